#!/bin/bash
# ENROOT_RESTRICT_DEV (and --ipc): a fresh /dev holding only the standard devices instead of the
# host's; with --ipc, private /dev/shm and /dev/mqueue too.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

[ -n "${ENROOT_RESTRICT_DEV-}" ] || [ -n "${ENROOT_UNSHARE_IPC-}" ] || exit 0

entries="none /dev none x-detach,nofail,silent
tmpfs /dev tmpfs x-create=dir,rw,nosuid,noexec,mode=755,slave"
for dev in zero null full urandom random tty; do
    entries+=$'\n'"/dev/${dev} /dev/${dev} none x-create=file,bind,rw,nosuid,noexec,private"
done
entries+=$'\n'"none /dev/pts devpts x-create=dir,newinstance,ptmxmode=0666,mode=620"
if [ -n "${ENROOT_UNSHARE_IPC-}" ]; then
    entries+=$'\n'"tmpfs /dev/shm tmpfs x-create=dir,rw,nosuid,nodev,mode=1777"
    entries+=$'\n'"mqueue /dev/mqueue mqueue x-create=dir,rw,nosuid,nodev,noexec,nofail,silent"
else
    entries+=$'\n'"/dev/shm /dev/shm none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave"
    [ ! -d /dev/mqueue ] || entries+=$'\n'"/dev/mqueue /dev/mqueue none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave,nofail,silent"
fi
# Optional devices, only when the host has them (a host without a syslog socket is common).
[ ! -d /dev/hugepages ] || entries+=$'\n'"/dev/hugepages /dev/hugepages none x-create=dir,rbind,rw,nosuid,nodev,noexec,rslave,nofail,silent"
[ ! -e /dev/log ] || entries+=$'\n'"/dev/log /dev/log none x-create=file,bind,rw,nosuid,noexec,private,nofail,silent"
if [ -t 0 ] && console="$(readlink -f /proc/self/fd/0)" && [ -c "${console}" ]; then
    entries+=$'\n'"$(hooks::fstab_escape "${console}") /dev/console none x-create=file,bind,rw,nosuid,noexec,private"
fi
enroot-mount --root "${ENROOT_ROOTFS}" - <<< "${entries}"

hooks::safe_path /dev || common::err "${ENROOT_ROOTFS}/dev is a symlink: cannot restrict /dev in this image (unset ENROOT_RESTRICT_DEV)"
ln -sfn /proc/self/fd "${ENROOT_ROOTFS}/dev/fd"
ln -sfn /dev/pts/ptmx "${ENROOT_ROOTFS}/dev/ptmx"
ln -sfn /proc/self/fd/0 "${ENROOT_ROOTFS}/dev/stdin"
ln -sfn /proc/self/fd/1 "${ENROOT_ROOTFS}/dev/stdout"
ln -sfn /proc/self/fd/2 "${ENROOT_ROOTFS}/dev/stderr"
