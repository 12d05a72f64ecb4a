#!/usr/bin/env bash
# One command: set everything up (venv, packages, embedding model, index) and start the assistant.
# Telegram when TELEGRAM_BOT_TOKEN is set, Zalo when ZALO_BOT_TOKEN is set, otherwise the terminal chat.
# K57_SKIP_MODEL=1 skips the 1.2 GB model download (keyword search only).
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/install.sh
if [ "${K57_SKIP_MODEL:-0}" != "1" ]; then
  echo "==> Mô hình nhúng EmbeddingGemma-300m (tải một lần, kiểm tra sha256)"
  .venv/bin/python run_bot.py fetch-model || {
    echo "Cảnh báo: không tải được mô hình; trợ lý chạy với tìm kiếm từ khóa." >&2; }
fi
echo "==> Nạp kế hoạch và dựng chỉ mục"
.venv/bin/python run_bot.py index
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  exec .venv/bin/python run_bot.py telegram "$@"
elif [ -n "${ZALO_BOT_TOKEN:-}" ]; then
  exec .venv/bin/python run_bot.py zalo "$@"
else
  exec .venv/bin/python run_bot.py chat
fi
