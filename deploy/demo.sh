#!/usr/bin/env bash
# The main job end to end on one machine: local Kafka, the worker, the 2022 demo corpus replayed in about a minute,
# then the timeline (table + PNG) read back from the situation updates topic. Stops everything it started, and only
# that: a broker already answering on the configured address is used and left running.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-corpus/2022-ukraine}"
speed="${SITREP_DEMO_SPEED:-45000}"  # 31 days of event time in about a minute
out="${SITREP_DEMO_OUT:-out/demo}"
mkdir -p "$out"
run_id="demo$(date +%s)"
export SITREP_TOPIC_PREFIX="${SITREP_TOPIC_PREFIX:-$run_id}" SITREP_APP_ID="${SITREP_APP_ID:-sitrep-$run_id}"
bin=.venv/bin

listening() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
broker="${SITREP_BROKER:-kafka://127.0.0.1:9092}"; broker="${broker#*://}"; broker="${broker%%[;,]*}"

# Our own web port: never talk to another process's worker by accident.
port="${SITREP_WEB_PORT:-6066}"
while listening 127.0.0.1 "$port"; do port=$((port + 1)); done
export SITREP_WEB_PORT="$port"

started_kafka=0
if listening "${broker%:*}" "${broker##*:}"; then
  echo "using the Kafka broker already running on $broker"
else
  echo "starting local Kafka (first run downloads it with mvn)"
  deploy/kafka/local-kafka.sh start >/dev/null
  started_kafka=1
fi
worker_pid=""
cleanup() {
  if [ -n "$worker_pid" ]; then kill "$worker_pid" 2>/dev/null && wait "$worker_pid" 2>/dev/null || true; fi
  if [ "$started_kafka" = 1 ]; then deploy/kafka/local-kafka.sh stop; fi
}
trap cleanup EXIT

"$bin/sitrep" topics >/dev/null 2>&1
"$bin/sitrep" worker >"$out/worker.log" 2>&1 &
worker_pid=$!
for _ in $(seq 1 240); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$worker_pid" 2>/dev/null || { tail -30 "$out/worker.log"; exit 1; }
  sleep 0.5
done
echo "worker ready: http://127.0.0.1:$port/situations  http://127.0.0.1:$port/metrics  (log: $out/worker.log)"

"$bin/sitrep" replay "$corpus" --speed "$speed"
metric() { curl -fsS "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1==m {s+=$2} END {print int(s)}'; }
consumed=$(metric sitrep_articles_consumed_total); previous=-1
for _ in $(seq 1 120); do  # wait until the worker has drained the topic and snapshots stop changing
  sleep 1
  snapshots=$(curl -fsS "http://127.0.0.1:$port/metrics" | awk '/^sitrep_situation_snapshots_total/ {s+=$2} END {print int(s)}')
  [ "$snapshots" = "$previous" ] && [ "$(metric sitrep_articles_consumed_total)" = "$consumed" ] && break
  previous=$snapshots; consumed=$(metric sitrep_articles_consumed_total)
done
echo "articles consumed $(metric sitrep_articles_consumed_total), enriched $(metric sitrep_articles_enriched_total), snapshots $snapshots"
"$bin/sitrep" timeline --from-kafka --png "$out/timeline.png" | grep -v '^chart: '
echo "timeline chart: $(cd "$out" && pwd)/timeline.png"
