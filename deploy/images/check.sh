#!/usr/bin/env bash
# End-to-end check of vnet's container images, run by CI (.ci/run) and by hand:
#
#   mvn -B -DskipTests package -pl network,agent,cli -am && deploy/images/check.sh
#
# Builds the base image (once per machine and recipe) and the network and agent images from the packaged
# applications, then, all on the host network with random free ports: two network containers (one leads, one stands
# by) on a PostgreSQL database of its own on the host's server (127.0.0.1:5432, user postgres), and two agent
# containers. Through the CLI on the host it gets an ha container and calls it, kills (SIGKILL) the agent container
# that runs it and waits until it runs on the other agent, checks readiness and the images' health check, then stops
# containers as an orchestrator would (podman stop: SIGTERM) and checks that the agent drains its container to the
# other agent, that the leading coordinator hands over to the standby, and that both exit cleanly. It prints how long
# each container took from `podman run` to ready. It always removes its containers, images and database, and its
# names are its own (vnet-check-<random>), so that runs beside other podman users and other runs.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN="vnet-check-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')"
TAG="$RUN"
DB="${RUN//-/_}"
TOKEN="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
CLI_JAR="$ROOT/cli/target/vnet-cli.jar"
PG=(-h 127.0.0.1 -p 5432 -U postgres)
WORK="$(mktemp -d "/tmp/$RUN.XXXXXX")"
STARTED=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [[ $status -ne 0 ]]; then
    for name in "${STARTED[@]}"; do
      echo "===== last lines of $name" >&2
      podman logs --tail 40 "$name" >&2 2>&1 || true
    done
  fi
  for name in "${STARTED[@]}"; do podman rm -f -t 0 "$name" >/dev/null 2>&1 || true; done
  podman rmi "localhost/vnet/network:$TAG" "localhost/vnet/agent:$TAG" >/dev/null 2>&1 || true
  dropdb "${PG[@]}" --if-exists "$DB" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  [[ $status -eq 0 ]] && log "check passed" || log "check FAILED"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME IMAGE HTTP_PORT STOP_TIMEOUT ENV...: runs a container on the host network and waits until it is ready
# (or, with HTTP_PORT prefixed by "live:", only alive); prints the time from `podman run` to that.
start() {
  local name="$RUN-$1" image="$2" http="$3" stop_timeout="$4" begin
  shift 4
  local env=()
  for pair in "$@" "QUARKUS_HTTP_PORT=${http#live:}"; do env+=(-e "$pair"); done
  begin=$(millis)
  STARTED+=("$name")
  # No timer for the image's health check (podman needs systemd to schedule one): the check runs it itself.
  podman_ run -d --name "$name" --network host "${PODMAN_LIMITS[@]}" --stop-timeout "$stop_timeout" \
      --health-interval disable "${env[@]}" "$image" >/dev/null
  # Generous: a JVM starts in seconds, but in minutes on a machine loaded many times over.
  if [[ "$http" == live:* ]]; then
    await 240 "$name alive" live "${http#live:}"
    log "$name: alive (standing by) $(( $(millis) - begin )) ms after podman run"
  else
    await 240 "$name ready" ready "$http"
    log "$name: ready $(( $(millis) - begin )) ms after podman run"
  fi
}

# cli COMMAND ARGS...: the CLI on the host, through both coordinators' endpoints (it follows the leader).
cli() {
  local command="$1"
  shift
  java -jar "$CLI_JAR" "$command" --network "$NETWORKS" --token "$TOKEN" --timeout 20s "$@"
}
# The agent that runs a container, from the CLI's JSON (the proto's JSON mapping: "agentId").
agent_of() { cli containers --json | tr -d ' \n' | grep -o "{[^{}]*\"uuid\":\"$1\"[^{}]*}" \
    | grep -o '"agentId":"[^"]*"' | cut -d'"' -f4; }
runs_on() { [[ "$(agent_of "$1")" == "$2" ]]; }
answers() { [[ "$(cli request "$1" get '{"key":"k"}' | tr -d ' ')" == *'"value":"v1"'* ]]; }

# stop_cleanly NAME [LOG_LINE]: podman stop (SIGTERM, then SIGKILL after the container's stop timeout); the exit must
# be the JVM's own, and the log must have the line.
stop_cleanly() {
  local name="$RUN-$1" begin code
  begin=$(millis)
  podman_ stop "$name" >/dev/null
  code="$(podman inspect --format '{{.State.ExitCode}}' "$name")"
  log "$name: stopped $(( $(millis) - begin )) ms after SIGTERM, exit code $code"
  # 143 is 128 + SIGTERM: the JVM's exit after its shutdown hooks ran, what Quarkus gives on SIGTERM. 137 would be
  # the SIGKILL that follows a stop timeout.
  [[ "$code" == 0 || "$code" == 143 ]] || fail "$name exited with $code after SIGTERM"
  podman logs "$name" >"$WORK/$1.log" 2>&1
  [[ -z "${2:-}" ]] || grep -q -- "$2" "$WORK/$1.log" || fail "$name did not log '$2' while stopping"
}

command -v podman >/dev/null || die "podman is not installed (apt-get install podman runc)"
[[ -f "$CLI_JAR" ]] || die "no $CLI_JAR: run mvn -B -DskipTests package -pl network,agent,cli -am first"
pg_isready -q "${PG[@]}" || die "no PostgreSQL on 127.0.0.1:5432"

begin=$(millis)
"$IMAGES_DIR/build.sh" base
log "base image: $(( ($(millis) - begin) / 1000 )) s"
"$IMAGES_DIR/build.sh" apps "$TAG"
NETWORK_IMAGE="localhost/vnet/network:$TAG"
AGENT_IMAGE="localhost/vnet/agent:$TAG"

createdb "${PG[@]}" "$DB"
for port in NA_GRPC NA_HTTP NB_GRPC NB_HTTP A1_GRPC A1_HTTP A2_GRPC A2_HTTP; do free_port "$port"; done
NETWORKS="127.0.0.1:$NA_GRPC,127.0.0.1:$NB_GRPC"
# Every setting from the environment, as an orchestrator gives them. One token, allowed everything, for the agents
# and the CLI alike. The default timings, except that an unreferenced container lives long enough for a slow run.
# A variable left empty, as manifests often do, counts as unset (the images' entry point): the alive timeout keeps
# its default.
SECURITY=(VNET_SECURITY_TOKENS_CHECK_SECRET="$TOKEN" VNET_SECURITY_TOKENS_CHECK_PERMISSIONS='*'
    VNET_SECURITY_TOKENS_CHECK_AGENT_IDS='*')
network_env() {
  echo VNET_DB_URL="postgresql://127.0.0.1:5432/$DB" VNET_DB_USER=postgres VNET_NETWORK_REPLICA_ID="$1" \
      VNET_NETWORK_PORT="$2" VNET_NETWORK_ADVERTISED_HOST=127.0.0.1 VNET_NETWORK_IDLE_TIMEOUT=10m \
      VNET_NETWORK_ALIVE_TIMEOUT=
}
agent_env() {
  echo VNET_AGENT_ID="$1" VNET_AGENT_PORT="$2" VNET_AGENT_NETWORK="$NETWORKS" VNET_AGENT_ADVERTISED_HOST=127.0.0.1 \
      VNET_AGENT_TOKEN="$TOKEN" VNET_AGENT_DRAIN_TIMEOUT=30s
}

# The first coordinator leads; the second, started once the first is ready, stands by: alive, not ready.
start network-a "$NETWORK_IMAGE" "$NA_HTTP" 20 $(network_env network-a "$NA_GRPC") "${SECURITY[@]}"
start network-b "$NETWORK_IMAGE" "live:$NB_HTTP" 20 $(network_env network-b "$NB_GRPC") "${SECURITY[@]}"
ready "$NB_HTTP" && fail "the standby coordinator says it is ready"
# An agent drains for up to its drain timeout plus its shutdown grace (30 s + 5 s): stop it with more than that.
start agent-1 "$AGENT_IMAGE" "$A1_HTTP" 45 $(agent_env agent-1 "$A1_GRPC") "${SECURITY[@]}"
start agent-2 "$AGENT_IMAGE" "$A2_HTTP" 45 $(agent_env agent-2 "$A2_GRPC") "${SECURITY[@]}"

for name in network-a agent-1; do
  [[ "$(podman exec "$RUN-$name" id -u)" == 185 ]] || fail "$name does not run as uid 185"
  [[ "$(podman exec "$RUN-$name" cat /proc/1/comm)" == java ]] || fail "$name: the JVM is not PID 1"
  podman_ healthcheck run "$RUN-$name" >/dev/null || fail "$name: the image's HEALTHCHECK fails"
done

# A routed request to an ha container, through the network.
UUID="$RUN-kv"
cli get kv --type ha --uuid "$UUID" --json >/dev/null
cli request "$UUID" put '{"key":"k","value":"v1"}' >/dev/null
answers "$UUID" || fail "the routed request did not answer"
HOLDER="$(agent_of "$UUID")"
case "$HOLDER" in agent-1) OTHER=agent-2 OTHER_HTTP=$A2_HTTP ;; agent-2) OTHER=agent-1 OTHER_HTTP=$A1_HTTP ;;
  *) fail "$UUID is not on an agent (agent: '$HOLDER')" ;; esac
log "$UUID runs on $HOLDER; killing its container"

# SIGKILL: the ha container is re-created on the other agent. Its state was in the killed agent's memory only, so it
# starts empty there; it answers again once written.
begin=$(millis)
podman_ kill --signal KILL "$RUN-$HOLDER" >/dev/null
await 120 "$UUID moved to $OTHER" runs_on "$UUID" "$OTHER"
cli request "$UUID" put '{"key":"k","value":"v1"}' >/dev/null
answers "$UUID" || fail "the moved container did not answer"
log "$UUID runs on $OTHER $(( $(millis) - begin )) ms after the kill, and answers"
ready "$NA_HTTP" || fail "the leading coordinator is not ready"
ready "$OTHER_HTTP" || fail "$OTHER is not ready"

# The killed agent comes back (the same container, so the same id) and registers again.
podman_ start "$RUN-$HOLDER" >/dev/null
holder_http=$A1_HTTP; [[ "$HOLDER" == agent-2 ]] && holder_http=$A2_HTTP
await 240 "$HOLDER ready again" ready "$holder_http"

# podman stop on the agent that now runs the container: it drains, the container moves back, the agent exits.
stop_cleanly "$OTHER" "agent $OTHER drained"
await 120 "$UUID moved to $HOLDER by the drain" runs_on "$UUID" "$HOLDER"
cli request "$UUID" put '{"key":"k","value":"v1"}' >/dev/null
answers "$UUID" || fail "the drained container did not answer on $HOLDER"

# podman stop on the leader: it lets go of the lock and the standby takes over.
begin=$(millis)
stop_cleanly network-a "released the leader lock"
await 60 "the standby coordinator ready" ready "$NB_HTTP"
log "network-b leads $(( $(millis) - begin )) ms after network-a got SIGTERM"
await 120 "$UUID answering through the new leader" answers "$UUID"

# The last agent has nowhere to move its container: it exits within its drain timeout all the same.
stop_cleanly "$HOLDER"
stop_cleanly network-b "stopped leading"
