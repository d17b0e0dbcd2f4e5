# Shared by build.sh and check.sh (sourced, not run). Podman settings, names and the base image's cache key.

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$IMAGES_DIR/../.." && pwd)"
# Outside the clone, so that a fresh clone (CI) on the same machine finds what an earlier run built: the package
# cache of debootstrap and the lock that keeps two runs from building the same base at once. The images themselves
# live in podman's own storage, which is outside every clone too.
CACHE_DIR="${VNET_IMAGES_CACHE:-/var/cache/vnet-images}"

# Podman here needs runc (crun refuses some hosts' cgroup layouts) and lower ulimits than its defaults (which exceed
# what an unprivileged host allows). Given as flags, so that nothing depends on /etc/containers/containers.conf.
PODMAN_GLOBAL=(--runtime runc)
PODMAN_LIMITS=(--ulimit nofile=20000:20000 --ulimit nproc=32768:32768)

log() { echo "images: $*" >&2; }
die() { echo "images: $*" >&2; exit 1; }
podman_() { podman "${PODMAN_GLOBAL[@]}" "$@"; }

# recipe_hash [PARENT_TAG] FILE...: the first 16 hex digits of the SHA-256 of the parent image's tag and the files'
# contents (their names excluded, so that a clone anywhere gives the same key).
recipe_hash() {
  local parent=""
  [[ -f "$1" ]] || { parent="$1"; shift; }
  { printf '%s\n' "$parent"; cat "$@"; } | sha256sum | cut -c1-16
}

# The base images, tagged with the hash of their recipes: a changed recipe gets a new tag (and is built), an unchanged
# one finds its image. The JRE and PostgreSQL images are built on the Debian root file system, so their keys include
# its key.
DEBIAN_TAG="$(recipe_hash "$IMAGES_DIR/base/rootfs.sh")"
DEBIAN_IMAGE="localhost/vnet-base/debian:$DEBIAN_TAG"
JRE_IMAGE="localhost/vnet-base/jre:$(recipe_hash "$DEBIAN_TAG" "$IMAGES_DIR/base/Containerfile.jre")"
POSTGRES_IMAGE="localhost/vnet-base/postgres:$(recipe_hash "$DEBIAN_TAG" "$IMAGES_DIR/base/Containerfile.postgres" \
    "$IMAGES_DIR/base/postgres-entrypoint.sh")"

# The version of the packaged applications (the images' default tag).
project_version() {
  sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$ROOT/pom.xml" | head -n 1
}

# What check.sh and startup.sh share: ports, clocks and waiting on HTTP health.

fail() { die "FAILED: $*"; }

# free_port VAR: sets VAR to a free TCP port that no earlier call returned (not in a subshell: it remembers them).
TAKEN_PORTS=" "
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 30000))
    [[ "$TAKEN_PORTS" == *" $port "* ]] && continue
    ss -Htln "sport = :$port" | grep -q . && continue
    TAKEN_PORTS+="$port "
    printf -v "$1" '%s' "$port"
    return
  done
}

millis() { date +%s%3N; }
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$1$2" || true; }
ready() { [[ "$(http_status "$1" /q/health/ready)" == 200 ]]; }
live() { [[ "$(http_status "$1" /q/health/live)" == 200 ]]; }

# await SECONDS DESCRIPTION COMMAND...: runs COMMAND until it succeeds, for at most SECONDS.
await() {
  local deadline=$(( $(millis) + $1 * 1000 )) what="$2"
  shift 2
  until "$@" >/dev/null 2>&1; do
    (( $(millis) < deadline )) || fail "$what: not within the deadline"
    sleep 0.2
  done
}
