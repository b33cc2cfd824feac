#!/usr/bin/env bash
# Installs the system packages the tests and the demo need (Debian/Ubuntu). Runs apt-get as root,
# or through sudo when available; otherwise lists what is missing.
set -euo pipefail

PACKAGES=(
  docker-registry   # the real OCI registry the tests push to and pull from
  busybox-static    # a static shell for test images
  squashfs-tools    # mksquashfs/unsquashfs: oracles for our writer, and the extractor for create
  squashfuse        # mounts images as an unprivileged user
  fuse-overlayfs    # overlay for image starts when kernel overlayfs is off
  fuse3             # fusermount3
  apache2-utils     # htpasswd for the Basic-auth registry
  openssl           # test certificate authority
  zstd              # zstd layers in test images
  pigz              # parallel gzip, used by benchmarks as the decompression floor
  time              # GNU time: wall time, CPU time and peak RSS in benchmarks
  util-linux        # unshare, setpriv
  tar               # GNU tar: the oracle that applies layers in tests
  time              # GNU time: peak memory figures in the benchmarks
  podman            # the engine behind podman:// imports (tests run it as root)
  podman-docker     # a docker command backed by podman, for the dockerd:// tests where no Docker engine runs
  bash
)

missing=()
for package in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "System packages: all present"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "Missing system packages (install them as root): ${missing[*]}" >&2
  exit 1
fi
echo "Installing: ${missing[*]}"
"${SUDO[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
