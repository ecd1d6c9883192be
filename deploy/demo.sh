#!/usr/bin/env bash
# The main job end to end on one machine: local Kafka, the worker, a replay, and what came out. Stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-${SITREP_DEMO_CORPUS:-../shared/corpus/seeds.jsonl}}"
out="${SITREP_DEMO_OUT:-out/demo}"
mkdir -p "$out"
export SITREP_TOPIC_PREFIX="${SITREP_TOPIC_PREFIX:-demo$(date +%s)}" SITREP_APP_ID="${SITREP_APP_ID:-sitrep-demo$(date +%s)}"

started_kafka=0
if ! deploy/kafka/local-kafka.sh status >/dev/null 2>&1; then deploy/kafka/local-kafka.sh start >/dev/null; started_kafka=1; fi
worker_pid=""
cleanup() {
  if [ -n "$worker_pid" ]; then kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true; fi
  if [ "$started_kafka" = 1 ]; then deploy/kafka/local-kafka.sh stop; fi
}
trap cleanup EXIT

.venv/bin/sitrep topics >/dev/null
.venv/bin/sitrep worker >"$out/worker.log" 2>&1 &
worker_pid=$!
port="${SITREP_WEB_PORT:-6066}"
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$worker_pid" 2>/dev/null || { tail -30 "$out/worker.log"; exit 1; }
  sleep 0.5
done
echo "worker ready on http://127.0.0.1:$port (metrics: /metrics)"

.venv/bin/sitrep replay "$corpus" --max-speed
expected=$(grep -c . "$corpus" 2>/dev/null || cat "$corpus"/*.jsonl | grep -c .)
for _ in $(seq 1 240); do
  done_count=$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^sitrep_articles_enriched_total /{print int($2)}')
  [ "${done_count:-0}" -ge "$expected" ] && break
  sleep 0.5
done
echo "enriched ${done_count:-0} of $expected articles"
curl -fsS "http://127.0.0.1:$port/metrics" | grep -E '^sitrep_(articles|dead_letters|claims)_[a-z_]*total' || true
