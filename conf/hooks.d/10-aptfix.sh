#!/bin/bash
# Debian and Ubuntu images started as remapped root: apt would drop privileges to _apt, a user the
# single-id user namespace cannot switch to, so make it download as root.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

[ -n "${ENROOT_REMAP_ROOT-}" ] || exit 0
[ -f "${ENROOT_ROOTFS}/etc/debian_version" ] || exit 0
hooks::safe_path /etc/apt/apt.conf.d/enroot || exit 0

mkdir -p "${ENROOT_ROOTFS}/etc/apt/apt.conf.d"
printf 'APT::Sandbox::User "root";\n' > "${ENROOT_ROOTFS}/etc/apt/apt.conf.d/enroot"
