#!/bin/bash
# The host's time zone: when the host's /etc/localtime is a symlink, the same symlink in the
# container, and the zone file it names when the image lacks it.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

[ -L /etc/localtime ] || exit 0
hooks::safe_path /etc || exit 0

ln -sfn "$(readlink /etc/localtime)" "${ENROOT_ROOTFS}/etc/localtime.enroot"
mv -fT "${ENROOT_ROOTFS}/etc/localtime.enroot" "${ENROOT_ROOTFS}/etc/localtime"

zone="$(readlink -f /etc/localtime)" || exit 0
[ -f "${zone}" ] || exit 0
hooks::safe_path "${zone}" || exit 0
if [ ! -e "${ENROOT_ROOTFS}${zone}" ]; then
    mkdir -p "${ENROOT_ROOTFS}$(dirname "${zone}")"
    cp "${zone}" "${ENROOT_ROOTFS}${zone}"
fi
