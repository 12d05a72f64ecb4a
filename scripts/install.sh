#!/usr/bin/env bash
# Create .venv and install the project (idempotent: skipped when pyproject/constraints did not change).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "==> Tạo môi trường .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.k57-installed
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "==> Cài đặt thư viện (torch CPU 2.13.0 trước, rồi dự án)"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
  # torch first and pinned: any other spec would pull a multi-GB CUDA build
  .venv/bin/python -m pip install -q -c constraints.txt torch==2.13.0
  .venv/bin/python -m pip install -q -c constraints.txt -e '.[test]'
  echo "$want" > "$stamp"
fi
