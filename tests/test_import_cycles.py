"""No module of the repository imports another that imports it back, counting imports inside functions."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("import_cycles", ROOT / "scripts" / "import_cycles.py")
import_cycles = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(import_cycles)


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_the_repository_has_no_import_cycle():
    found = import_cycles.cycles(import_cycles.import_graph(ROOT))
    assert found == [], "import cycles (python scripts/import_cycles.py):\n" + "\n".join(" -> ".join(c) for c in found)


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    root = _tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from pkg.b import helper\n",
        "pkg/b.py": "def helper():\n    from pkg import c\n    return c\n",
        "pkg/c.py": "import json\n\ndef run():\n    from . import a\n    return a\n",
        "pkg/d.py": "from pkg.a import helper\n",            # imports into the cycle, not part of it
        "other/__init__.py": "",
        "other/e.py": "from pkg.b import helper as h\nfrom ..pkg import d\n",
    })
    graph = import_cycles.import_graph(root)
    assert graph["pkg.c"] == {"pkg.a"} and graph["pkg.b"] == {"pkg.c"}
    assert import_cycles.cycles(graph) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]
    assert import_cycles.main([str(root)]) == 1


def test_a_package_door_importing_its_own_modules_is_no_cycle(tmp_path):
    root = _tree(tmp_path, {
        "pkg/__init__.py": "from pkg.load import load\n",
        "pkg/load.py": "from pkg.files import path\nfrom pkg.proto import Proto\n",
        "pkg/files.py": "import os\npath = os.path\n",
        "pkg/proto.py": "class Proto: ...\n",
        "user.py": "from pkg import load\nfrom pkg.proto import Proto\n",
        ".venv/lib/x.py": "import user\n",                   # hidden folders are not the repository's
    })
    graph = import_cycles.import_graph(root)
    assert "user" in graph and not any(name.startswith(".venv") for name in graph)
    assert graph["user"] == {"pkg.load", "pkg.proto"}      # `from pkg import load`: the module pkg.load
    assert import_cycles.cycles(graph) == []
    assert import_cycles.main([str(root)]) == 0


def test_retrieval_and_the_layers_above_see_only_the_embedder_protocol():
    """index/ outside index.model, answers/ and bot/ import nothing of the model toolchain (they get an
    Embedder passed in); run_bot.py, bench/ and tests/ wire or measure it."""
    graph = import_cycles.import_graph(ROOT)
    wanted = [m for m in graph if m.split(".")[0] in ("index", "answers", "bot", "corpus")
              and not m.startswith("index.model")]
    assert "index.hybrid" in wanted and "answers.library" in wanted
    leaks = {m: sorted(t for t in graph[m] if t.startswith("index.model")) for m in wanted}
    assert {m: t for m, t in leaks.items() if t} == {}
    assert graph["index.hybrid"] & {"index.embedding"}
