#!/usr/bin/env bash
# One command: install what the tests need (no embedding model, no network calls in tests) and run them.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
# The PDF fixtures draw Vietnamese text with DejaVu Sans (Debian package fonts-dejavu-core).
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core) >/dev/null 2>&1 \
    || echo "Cảnh báo: không cài được fonts-dejavu-core" >&2
fi
export K57_EMBED_MODEL=none
exec .venv/bin/python -m pytest -q "$@"
