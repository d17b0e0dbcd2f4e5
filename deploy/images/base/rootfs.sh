#!/usr/bin/env bash
# Makes the Debian root file system every vnet base image starts from, and imports it into podman as the image named
# by $1. No image registry is needed: debootstrap fetches Debian's packages from the mirror debootstrap uses by
# default, or from $VNET_DEBIAN_MIRROR. $2 is a directory for debootstrap's package cache (kept between runs).
# The hash of this file is the image's tag (lib.sh): change anything here and the base is built again.
set -euo pipefail
image="$1"
package_cache="$2"
suite=bookworm

work="$(mktemp -d /var/tmp/vnet-rootfs.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$package_cache"
# minbase: essential packages and apt only. usrmerge is what bookworm installs by default.
debootstrap --variant=minbase --merged-usr --cache-dir="$package_cache" "$suite" "$work/rootfs" \
    ${VNET_DEBIAN_MIRROR:+"$VNET_DEBIAN_MIRROR"} >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
# What an image needs no copy of.
rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/tmp/"*
tar --numeric-owner -C "$work/rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$image" >/dev/null
