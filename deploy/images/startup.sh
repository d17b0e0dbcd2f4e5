#!/usr/bin/env bash
# Measures how long the network and the agent take from start to ready, in a container and as the same jar on the
# host, with the same settings (environment variables and JVM options), RUNS times each, taking turns:
#
#   mvn -B -DskipTests package -pl network,agent -am && deploy/images/startup.sh [RUNS]     (default 3)
#
# "Ready" is /q/health/ready answering 200: a coordinator that leads with its schema migrated, an agent registered
# with it. The agent is measured against a coordinator on the host. Uses a PostgreSQL database of its own on the
# host's server (127.0.0.1:5432, user postgres), random free ports and names of its own, and removes what it made.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUNS="${1:-3}"
RUN="vnet-startup-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
DB="${RUN//-/_}"
PG=(-h 127.0.0.1 -p 5432 -U postgres)
TOKEN="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d "/tmp/$RUN.XXXXXX")"
PIDS=()
CONTAINERS=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for name in "${CONTAINERS[@]}"; do podman rm -f -t 0 "$name" >/dev/null 2>&1 || true; done
  podman rmi "localhost/vnet/network:$RUN" "localhost/vnet/agent:$RUN" >/dev/null 2>&1 || true
  dropdb "${PG[@]}" --if-exists "$DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The image's JVM options (src/main/docker/Dockerfile.jvm), so that both sides run the same JVM the same way.
JAVA_OPTS="-XX:MaxRAMPercentage=75.0 -XX:+ExitOnOutOfMemoryError -Djava.util.logging.manager=org.jboss.logmanager.LogManager"

# record VAR MILLIS: appends a measurement to the list in VAR.
record() { printf -v "$1" '%s %s' "${!1}" "$2"; }

# on_host VAR MODULE HTTP_PORT ENV...: the jar with the settings in its environment; records ms to ready, stops it.
on_host() {
  local var="$1" module="$2" http="$3" begin pid
  shift 3
  begin=$(millis)
  # shellcheck disable=SC2086
  env "$@" QUARKUS_HTTP_PORT="$http" java $JAVA_OPTS -jar "$ROOT/$module/target/quarkus-app/quarkus-run.jar" \
      >"$WORK/$module-host.log" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  await 240 "$module on the host ready" ready "$http"
  record "$var" $(( $(millis) - begin ))
  kill "$pid"
  wait "$pid" 2>/dev/null || true
}

# in_container VAR MODULE HTTP_PORT ENV...: the image with the same settings; records ms to ready, removes it.
in_container() {
  local var="$1" module="$2" http="$3" begin env=() name="$RUN-$2-$RANDOM"
  shift 3
  for pair in "$@" "QUARKUS_HTTP_PORT=$http"; do env+=(-e "$pair"); done
  begin=$(millis)
  CONTAINERS+=("$name")
  podman_ run -d --name "$name" --network host "${PODMAN_LIMITS[@]}" --health-interval disable "${env[@]}" \
      "localhost/vnet/$module:$RUN" >/dev/null
  await 240 "$module in a container ready" ready "$http"
  record "$var" $(( $(millis) - begin ))
  podman_ stop -t 45 "$name" >/dev/null
  podman rm "$name" >/dev/null
}

median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

"$IMAGES_DIR/build.sh" base
"$IMAGES_DIR/build.sh" apps "$RUN"
createdb "${PG[@]}" "$DB"
free_port NETWORK_GRPC; free_port NETWORK_HTTP; free_port AGENT_GRPC; free_port AGENT_HTTP; free_port HELPER_HTTP
SECURITY=(VNET_SECURITY_TOKENS_STARTUP_SECRET="$TOKEN" VNET_SECURITY_TOKENS_STARTUP_PERMISSIONS='*'
    VNET_SECURITY_TOKENS_STARTUP_AGENT_IDS='*')
NETWORK_ENV=(VNET_DB_URL="postgresql://127.0.0.1:5432/$DB" VNET_DB_USER=postgres VNET_NETWORK_REPLICA_ID=measured
    VNET_NETWORK_PORT="$NETWORK_GRPC" VNET_NETWORK_ADVERTISED_HOST=127.0.0.1 "${SECURITY[@]}")
AGENT_ENV=(VNET_AGENT_ID=measured VNET_AGENT_PORT="$AGENT_GRPC" VNET_AGENT_NETWORK="127.0.0.1:$NETWORK_GRPC"
    VNET_AGENT_ADVERTISED_HOST=127.0.0.1 VNET_AGENT_TOKEN="$TOKEN" "${SECURITY[@]}")

log "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
network_host="" network_container="" agent_host="" agent_container=""
# A coordinator on the host for the agents to register with. It also migrates the schema, which the measured
# coordinators then find done.
env "${NETWORK_ENV[@]}" QUARKUS_HTTP_PORT="$HELPER_HTTP" java $JAVA_OPTS \
    -jar "$ROOT/network/target/quarkus-app/quarkus-run.jar" >"$WORK/network-for-agents.log" 2>&1 &
helper=$!
PIDS+=("$helper")
await 240 "the agents' coordinator ready" ready "$HELPER_HTTP"
for _ in $(seq 1 "$RUNS"); do
  on_host agent_host agent "$AGENT_HTTP" "${AGENT_ENV[@]}"
  in_container agent_container agent "$AGENT_HTTP" "${AGENT_ENV[@]}"
done
kill "$helper"
wait "$helper" 2>/dev/null || true
for _ in $(seq 1 "$RUNS"); do
  on_host network_host network "$NETWORK_HTTP" "${NETWORK_ENV[@]}"
  in_container network_container network "$NETWORK_HTTP" "${NETWORK_ENV[@]}"
done
log "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-8s %-10s %-8s %s\n' application where median "runs (ms from start to ready)"
printf '%-8s %-10s %-8s %s\n' network host "$(median <<<"$network_host")" "$network_host"
printf '%-8s %-10s %-8s %s\n' network container "$(median <<<"$network_container")" "$network_container"
printf '%-8s %-10s %-8s %s\n' agent host "$(median <<<"$agent_host")" "$agent_host"
printf '%-8s %-10s %-8s %s\n' agent container "$(median <<<"$agent_container")" "$agent_container"
