#!/usr/bin/env bash
# Builds vnet's container images with podman, without any image registry (docs/DEPLOY.md, "Images with podman").
#
#   deploy/images/build.sh base            the JRE base image (Debian + OpenJDK 17), unless already built
#   deploy/images/build.sh postgres        a PostgreSQL 15 image on the same Debian, for compose.yaml
#   deploy/images/build.sh apps [TAG]      vnet/network and vnet/agent from the packaged applications, on that base
#   deploy/images/build.sh [all] [TAG]     base, then apps
#   deploy/images/build.sh compose         what compose.yaml runs: base, postgres (as localhost/vnet/postgres:15),
#                                          apps tagged "local"
#
# The base images are tagged with a hash of their recipe (deploy/images/base/), so they are built once per machine
# and recipe: the first build takes minutes (debootstrap and apt), later ones find the image in podman's storage.
# The applications must be packaged first: mvn -B -DskipTests package -pl network,agent -am. TAG defaults to the
# project's version; the images are localhost/vnet/network:TAG and localhost/vnet/agent:TAG.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

command -v podman >/dev/null || die "podman is not installed (apt-get install podman runc)"

# cached IMAGE BUILD_FUNCTION: builds IMAGE with the function unless podman already has it. One build at a time per
# machine: a second run waits for the first and then finds its image.
cached() {
  local image="$1" build="$2" started
  if podman image exists "$image"; then
    log "$image: already built"
    return
  fi
  mkdir -p "$CACHE_DIR"
  exec {lock}>"$CACHE_DIR/build.lock"
  flock "$lock"
  if podman image exists "$image"; then
    log "$image: built meanwhile by another run"
  else
    log "$image: building..."
    started=$SECONDS
    "$build" "$image"
    log "$image: built in $((SECONDS - started)) s"
  fi
  exec {lock}>&-
}

build_debian() { "$IMAGES_DIR/base/rootfs.sh" "$1" "$CACHE_DIR/debootstrap"; }

# build_on_debian CONTAINERFILE IMAGE: a base image whose RUN steps install Debian packages (so: the host's network).
build_on_debian() {
  podman_ build -q --network host "${PODMAN_LIMITS[@]}" --build-arg DEBIAN_IMAGE="$DEBIAN_IMAGE" \
      -f "$IMAGES_DIR/base/$1" -t "$2" "$IMAGES_DIR/base" >/dev/null
}
build_jre() { build_on_debian Containerfile.jre "$1"; }
build_postgres() { build_on_debian Containerfile.postgres "$1"; }

base() {
  cached "$DEBIAN_IMAGE" build_debian
  cached "$JRE_IMAGE" build_jre
}

postgres() {
  cached "$DEBIAN_IMAGE" build_debian
  cached "$POSTGRES_IMAGE" build_postgres
}

# app MODULE GRPC_PORT HTTP_PORT TAG: one application's image, from src/main/docker/Dockerfile.jvm. Docker's image
# format, not OCI, because only that keeps the Dockerfile's HEALTHCHECK.
app() {
  local module="$1" image="localhost/vnet/$1:$4" started=$SECONDS
  [[ -f "$ROOT/$module/target/quarkus-app/quarkus-run.jar" ]] \
    || die "$module is not packaged: run mvn -B -DskipTests package -pl network,agent -am first"
  podman_ build -q --format docker --build-arg BASE_IMAGE="$JRE_IMAGE" --build-arg GRPC_PORT="$2" \
      --build-arg HTTP_PORT="$3" -f "$ROOT/src/main/docker/Dockerfile.jvm" -t "$image" "$ROOT/$module" >/dev/null
  log "$image: built in $((SECONDS - started)) s, $(podman image inspect --format '{{.Size}}' "$image" \
      | awk '{ printf "%.0f MB", $1 / 1e6 }')"
}

apps() {
  local tag="${1:-$(project_version)}"
  podman image exists "$JRE_IMAGE" || die "no base image $JRE_IMAGE: run deploy/images/build.sh base first"
  app network 3737 8080 "$tag"
  app agent 3738 8081 "$tag"
}

case "${1:-all}" in
  base) base ;;
  postgres) postgres ;;
  apps) apps "${2:-}" ;;
  all) base; apps "${2:-}" ;;
  compose)
    base
    postgres
    podman tag "$POSTGRES_IMAGE" localhost/vnet/postgres:15
    apps local ;;
  -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command '$1' (see deploy/images/build.sh --help)" ;;
esac
