"""`python -m index.model [DEST] [--no-onnx]` fetches and exports; `python -m index.model export MODEL_DIR ...`."""
import sys

from index.model.cli import export_main, main

args = sys.argv[1:]
sys.exit(export_main(args[1:]) if args[:1] == ["export"] else main(args))
