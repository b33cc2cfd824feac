#!/bin/bash
# The caller in the container's user and group databases: root, nobody and the caller's own entries
# come first in /etc/passwd and /etc/group (replacing entries of the same name, and the _apt user
# the namespace cannot switch to); malformed lines are dropped; the home directory and mail spool
# are created as the image's useradd defaults say.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

common::checkcmd awk getent

hooks::safe_path /etc/passwd || common::err "${ENROOT_ROOTFS}/etc/passwd leads through a symlink: fix the image"
hooks::safe_path /etc/group || common::err "${ENROOT_ROOTFS}/etc/group leads through a symlink: fix the image"

IFS=: read -r user _ uid gid gecos home shell <<< "$(common::getpwent)" || common::err "No passwd entry for uid $(id -u) on this host: add one (getent passwd must find it)"
IFS=: read -r group _ _ _ <<< "$(common::getgrent)" || group="${user}"
overflow_uid=65534 overflow_gid=65534
read -r overflow_uid < /proc/sys/kernel/overflowuid || true
read -r overflow_gid < /proc/sys/kernel/overflowgid || true
{ read -r create_home; read -r umask_value; read -r mail_dir; } < <(hooks::login_defs /etc/login.defs CREATE_HOME UMASK MAIL_DIR)
{ read -r default_shell; read -r skel; read -r create_spool; } < <(hooks::login_defs /etc/default/useradd SHELL SKEL CREATE_MAIL_SPOOL)

if [ -z "${shell}" ] || [ ! -x "${ENROOT_ROOTFS}${shell}" ] || ! hooks::safe_path "${shell%/*}"; then
    shell="${default_shell:-/bin/sh}"
    [ -x "${ENROOT_ROOTFS}${shell}" ] || shell=/bin/sh
fi

# merge FILE FIELDS ENTRIES: ENTRIES first, then the file's well-formed lines whose names ENTRIES lack.
merge() {
    local -r file="${ENROOT_ROOTFS}$1" fields="$2" entries="$3"

    [ -f "${file}" ] || : > "${file}"
    printf '%s\n' "${entries}" | (umask 022 && awk -F: -v fields="${fields}" '
        NF != fields || $1 == "" || $1 == "_apt" { next }
        !seen[$1]++
    ' - "${file}" > "${file}.enroot")
    mv -f "${file}.enroot" "${file}"
}

merge /etc/passwd 7 "root:x:0:0:root:/root:${shell}
nobody:x:${overflow_uid}:${overflow_gid}:nobody:/:/sbin/nologin
${user}:x:${uid}:${gid}:${gecos}:${home}:${shell}"
merge /etc/group 4 "root:x:0:
nogroup:x:${overflow_gid}:
${group}:x:${gid}:"

if [ "${create_home:-yes}" = yes ] && [ -n "${home}" ] && [ "${home}" != / ] \
    && hooks::safe_path "${home}" && [ ! -e "${ENROOT_ROOTFS}${home}" ]; then
    skel="${skel:-/etc/skel}"
    (
        umask "${umask_value:-077}"
        mkdir -p "${ENROOT_ROOTFS}${home}"
        if hooks::safe_path "${skel}" && [ -d "${ENROOT_ROOTFS}${skel}" ]; then
            cp -R "${ENROOT_ROOTFS}${skel}/." "${ENROOT_ROOTFS}${home}/"
        fi
    )
fi

if [ "${create_spool}" = yes ]; then
    spool="${mail_dir:-/var/mail}/${user}"
    if hooks::safe_path "${spool}" && [ ! -e "${ENROOT_ROOTFS}${spool}" ]; then
        mkdir -p "${ENROOT_ROOTFS}${spool%/*}"
        (umask 007 && touch "${ENROOT_ROOTFS}${spool}")
    fi
fi
