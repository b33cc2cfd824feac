# Shell library for hooks, compatible with the one enroot hooks source:
#   source "${ENROOT_LIBRARY_PATH}/common.sh"
# Logging, errors, command checks, path canonicalisation and the host identity of the caller.

# common::log [LEVEL [MESSAGE]]: "[LEVEL] MESSAGE" on stderr (backslash escapes interpreted);
# only the prefix is coloured, and only on a terminal with colours. No level prints an empty line.
common::log() {
    local -r level="${1-}" message="${2-}"
    local colour=""

    if [ -z "${level}" ]; then
        printf '\n' >&2
        return
    fi
    if [ -t 2 ] && [ "$(tput colors 2>/dev/null || echo 0)" -ge 15 ]; then
        case "${level}" in
        INFO) colour=$'\e[94m' ;;
        WARN) colour=$'\e[33m' ;;
        ERROR) colour=$'\e[31m' ;;
        esac
    fi
    if [ -n "${colour}" ]; then
        printf '%s[%s]\e[0m %b\n' "${colour}" "${level}" "${message}" >&2
    else
        printf '[%s] %b\n' "${level}" "${message}" >&2
    fi
}

# common::err MESSAGE: log it as an error and exit 1.
common::err() {
    common::log ERROR "${1-}"
    exit 1
}

# common::checkcmd COMMAND...: fail unless every command can be found.
common::checkcmd() {
    local cmd
    for cmd in "$@"; do
        command -v "${cmd}" >/dev/null 2>&1 || common::err "Command not found: ${cmd}"
    done
}

# common::realpath PATH: the canonical path (symlinks resolved; every component but the last must exist).
common::realpath() {
    local -r path="${1-}"
    local resolved

    if [ -z "${path}" ] || ! resolved="$(readlink -f -- "${path}" 2>/dev/null)" || [ -z "${resolved}" ]; then
        common::err "No such file or directory: ${path}"
    fi
    printf '%s' "${resolved}"
}

# The host (outer) id of the caller: the second field of the first line of an id map.
common::_outer_id() {
    local inner outer count
    read -r inner outer count < "$1"
    printf '%s' "${outer}"
}

# common::getpwent: the host passwd entry of the user who started the container.
common::getpwent() {
    getent passwd "$(common::_outer_id /proc/self/uid_map)"
}

# common::getgrent: the host group entry of the group who started the container.
common::getgrent() {
    getent group "$(common::_outer_id /proc/self/gid_map)"
}
