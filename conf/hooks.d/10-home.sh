#!/bin/bash
# ENROOT_MOUNT_HOME: the caller's home directory, at the same path (or at /root when remapped to root).
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

[ -n "${ENROOT_MOUNT_HOME-}" ] || exit 0

home="${HOME-}"
if [ -z "${home}" ]; then
    IFS=: read -r _ _ _ _ _ home _ <<< "$(common::getpwent)"
fi
[ -n "${home}" ] || common::err "Could not find the home directory of uid $(id -u): set HOME or unset ENROOT_MOUNT_HOME"

target="${home}"
[ -z "${ENROOT_REMAP_ROOT-}" ] || target=/root
printf '%s %s none x-create=dir,bind,rw,nosuid\n' "$(hooks::fstab_escape "${home}")" "$(hooks::fstab_escape "${target}")" >> "${ENROOT_MOUNTS}"
printf 'HOME=%s\n' "${target}" >> "${ENROOT_ENVIRON}"
