#!/usr/bin/env bash
# Create .venv and install the project (idempotent: skipped when pyproject/constraints did not change).
set -euo pipefail
cd "$(dirname "$0")/.."
# Debian packages: Tesseract with its Vietnamese model and poppler's pdftoppm read scanned plans (OCR);
# DejaVu Sans draws Vietnamese text in the PDF test fixtures. Installed when missing and we are root.
need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -x vie >/dev/null; } || need+=(tesseract-ocr-vie)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "==> Cài gói hệ thống: ${need[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null 2>&1 \
      || echo "Cảnh báo: không cài được ${need[*]}; bản scan sẽ bị bỏ qua (cần: apt-get install ${need[*]})" >&2
  else
    echo "Cảnh báo: thiếu ${need[*]}; bản scan PDF sẽ bị bỏ qua. Cài bằng: sudo apt-get install ${need[*]}" >&2
  fi
fi
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.k57-installed
log=.venv/install.log
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "    cài thư viện (torch CPU 2.13.0 trước, rồi dự án; nhật ký: $log)"
  t0=$SECONDS
  # pip's own notices and setuptools' build warnings go to the log; on failure its end is shown.
  # --no-compile: modules are byte-compiled when first imported instead of all of torch now.
  # torch first and pinned: any other spec would pull a multi-GB CUDA build.
  if ! { .venv/bin/python -m pip install --no-compile --disable-pip-version-check -c constraints.txt torch==2.13.0 \
         && .venv/bin/python -m pip install --no-compile --disable-pip-version-check -c constraints.txt -e '.[test]'; } \
       >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    echo "Lỗi: không cài được thư viện. Xem toàn bộ nhật ký: $log" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
  echo "    xong sau $((SECONDS - t0)) s"
fi
