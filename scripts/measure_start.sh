#!/usr/bin/env bash
# Figures for docs/benchmarks.md: a fresh clone's `./start.sh </dev/null` — seconds to the chat, Python warning
# lines in its output (must be 0) — then, with --wait-model, seconds until the background fetch-model has left
# a verified ONNX export. Prints CPU model, date and load; leaves the clone (and its background job) behind
# only with --keep.
#   scripts/measure_start.sh [--wait-model] [--keep] [REPO]      (REPO: default this checkout)
set -euo pipefail
wait_model=0 keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --wait-model) wait_model=1 ;;
    --keep) keep=1 ;;
    *) break ;;
  esac
  shift
done
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
clone=$(mktemp -d /tmp/k57-start-XXXXXX)
git clone -q "$repo" "$clone"
echo "cpu: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; $(date -u '+%F %T') UTC; load: $(cut -d' ' -f1-3 /proc/loadavg)"
t0=$(date +%s)
(cd "$clone" && ./start.sh </dev/null) >"$clone/start.out" 2>&1 || echo "start.sh exit status $?"
t1=$(date +%s)
warnings=$(grep -cE 'Warning|^W[0-9]{4} ' "$clone/start.out" || true)
echo "to the chat: $((t1 - t0)) s; Python warning lines in its output: $warnings (output: $clone/start.out)"
if [ "$wait_model" = 1 ]; then
  while [ "$(cd "$clone" && .venv/bin/python run_bot.py fetch-model --status 2>/dev/null)" = running ]; do sleep 10; done
  t2=$(date +%s)
  echo "model: $(cd "$clone" && .venv/bin/python run_bot.py fetch-model --status) $((t2 - t0)) s after start" \
       "($(grep -m1 -o 'exported in [0-9]* s' "$clone/models/fetch-model.log" || echo 'no export'))"
fi
if [ "$keep" = 1 ]; then
  echo "clone kept: $clone"
else
  pid=$(cat "$clone/models/.embeddinggemma-300m.fetching" 2>/dev/null || true)
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && sleep 2 || true
  rm -rf "$clone"
fi
