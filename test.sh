#!/usr/bin/env bash
# One command: install what the tests need (no embedding model, no network calls in tests) and run them.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
export K57_EMBED_MODEL=none
exec .venv/bin/python -m pytest -q "$@"
