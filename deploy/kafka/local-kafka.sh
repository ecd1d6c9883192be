#!/usr/bin/env bash
# A real single-node Apache Kafka (KRaft, broker+controller) on loopback, from Maven Central jars. No Docker.
# Usage: deploy/kafka/local-kafka.sh start|stop|status|fetch
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="${SITREP_KAFKA_CACHE:-$root/.cache/kafka}"
host="${SITREP_KAFKA_HOST:-127.0.0.1}"
port="${SITREP_KAFKA_PORT:-9092}"
controller_port="${SITREP_KAFKA_CONTROLLER_PORT:-$((port + 1))}"
heap="${SITREP_KAFKA_HEAP:-512m}"
run_dir="$cache/run-$port"
libs="$cache/libs"
pid_file="$run_dir/kafka.pid"
kafka_version="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")"

log() { echo "local-kafka: $*" >&2; }

fetch() {
  if [ -f "$libs/.complete-$kafka_version" ]; then return; fi
  log "fetching Apache Kafka $kafka_version jars from Maven Central into $libs"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$libs" -DincludeScope=runtime -Dstyle.color=never >&2
  touch "$libs/.complete-$kafka_version"
}

running() { [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; }

answers() { (exec 3<>"/dev/tcp/$host/$port") 2>/dev/null; }

java_opts=(-Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -Djava.awt.headless=true
  -Dkafka.logs.dir="$run_dir/logs" -Dlog4j2.configurationFile="$here/log4j2.properties" -cp "$libs/*")

write_config() {
  mkdir -p "$run_dir/data" "$run_dir/logs"
  cat > "$run_dir/server.properties" <<CONF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$host:$controller_port
listeners=PLAINTEXT://$host:$port,CONTROLLER://$host:$controller_port
advertised.listeners=PLAINTEXT://$host:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$run_dir/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=-1
CONF
}

start() {
  if running; then log "already running (pid $(cat "$pid_file")) on $host:$port"; echo "$host:$port"; return; fi
  fetch
  write_config
  if [ ! -f "$run_dir/data/meta.properties" ]; then
    java "${java_opts[@]}" kafka.tools.StorageTool format -t "$(java "${java_opts[@]}" kafka.tools.StorageTool random-uuid)" \
      -c "$run_dir/server.properties" >/dev/null
  fi
  nohup java "${java_opts[@]}" kafka.Kafka "$run_dir/server.properties" >"$run_dir/logs/stdout.log" 2>&1 &
  echo $! > "$pid_file"
  for _ in $(seq 1 120); do
    if answers && grep -q "Kafka Server started\|started (kafka.server" "$run_dir/logs/server.log" 2>/dev/null; then
      log "started (pid $(cat "$pid_file")) on $host:$port"; echo "$host:$port"; return
    fi
    if ! running; then log "failed to start; last lines of its log:"; tail -20 "$run_dir/logs/stdout.log" "$run_dir/logs/server.log" >&2 || true; exit 1; fi
    sleep 0.5
  done
  log "did not answer within 60 s"; exit 1
}

stop() {
  if ! running; then log "not running"; rm -f "$pid_file"; return; fi
  local pid; pid="$(cat "$pid_file")"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$pid_file"; log "stopped"; return; }; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true; rm -f "$pid_file"; log "killed after 30 s"
}

status() {
  if running; then echo "running (pid $(cat "$pid_file")) on $host:$port"; else echo "stopped"; return 3; fi
}

reset() { stop; rm -rf "$run_dir"; log "storage removed"; }

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  fetch) fetch ;;
  reset) reset ;;
  *) echo "usage: $0 start|stop|status|fetch|reset" >&2; exit 2 ;;
esac
