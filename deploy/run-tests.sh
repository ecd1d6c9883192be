#!/usr/bin/env bash
# The test command (README, CI): lint, then every test against a real local Kafka started here and stopped by PID.
set -euo pipefail
cd "$(dirname "$0")/.."
export SITREP_KAFKA_PORT="${SITREP_TEST_KAFKA_PORT:-9092}"
export SITREP_TEST_KAFKA_PORT="$SITREP_KAFKA_PORT"

deploy/install-system-deps.sh
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache
started_kafka=0
if ! deploy/kafka/local-kafka.sh status >/dev/null 2>&1; then
  deploy/kafka/local-kafka.sh start >/dev/null
  started_kafka=1
fi
stop_kafka() { if [ "$started_kafka" = 1 ]; then deploy/kafka/local-kafka.sh stop; fi; }
trap stop_kafka EXIT

.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
