#!/usr/bin/env bash
# One command: set everything up (venv, packages, embedding model, index) and start the assistant.
# Telegram when TELEGRAM_BOT_TOKEN is set, Zalo when ZALO_BOT_TOKEN is set, otherwise the terminal chat.
# The first run fetches and exports the embedding model in the background (models/fetch-model.log): the
# assistant opens at once on keyword search and switches to the model when its verified export is ready.
# K57_SKIP_MODEL=1 skips the 1.2 GB model download (keyword search only).
set -euo pipefail
cd "$(dirname "$0")"
PY=.venv/bin/python

echo "[1/4] Thư viện Python"
bash scripts/install.sh

echo "[2/4] Mô hình nhúng EmbeddingGemma-300m"
if [ "${K57_SKIP_MODEL:-0}" = "1" ]; then
  echo "    bỏ qua (K57_SKIP_MODEL=1): trợ lý tìm theo từ khóa"
else
  mkdir -p models
  log=models/fetch-model.log
  case "$($PY run_bot.py fetch-model --status 2>>"$log" || echo error)" in
    ready)
      echo "    sẵn sàng (ONNX đã kiểm tra)" ;;
    running)
      echo "    đang được chuẩn bị ở nền (nhật ký: $log); trợ lý tạm tìm theo từ khóa" ;;
    *)
      # Its own session: closing the chat does not stop it; the next start finds the export ready.
      echo "=== $(date -u '+%F %T') UTC: fetch-model" >>"$log"
      setsid nohup "$PY" run_bot.py fetch-model >>"$log" 2>&1 </dev/null &
      echo "    tải, kiểm tra và xuất ONNX ở nền (một lần, vài phút; nhật ký: $log)"
      echo "    trợ lý mở ngay với tìm kiếm từ khóa và tự chuyển sang mô hình khi xong"
      # the chat below must find the process's mark (written as it starts) to follow it
      for _ in $(seq 50); do
        [ -f "models/.embeddinggemma-300m.fetching" ] && break
        sleep 0.2
      done ;;
  esac
fi

echo "[3/4] Nạp kế hoạch và dựng chỉ mục"
$PY run_bot.py index

echo "[4/4] Trợ lý"
if [ -n "${TELEGRAM_BOT_TOKEN:-}" ]; then
  exec $PY run_bot.py telegram "$@"
elif [ -n "${ZALO_BOT_TOKEN:-}" ]; then
  exec $PY run_bot.py zalo "$@"
else
  exec $PY run_bot.py chat
fi
