# Helpers for the standard hooks (sourced after common.sh):
#   source "${ENROOT_LIBRARY_PATH}/hooks.sh"

# hooks::effective NAME: the variable from enroot's environment, else its last value in the
# container's environment file (ENROOT_ENVIRON); empty when neither has it.
hooks::effective() {
    local -r name="$1"

    if [ -n "${!name-}" ]; then
        printf '%s' "${!name}"
        return
    fi
    awk -v prefix="${name}=" 'index($0, prefix) == 1 { value = substr($0, length(prefix) + 1) } END { printf "%s", value }' "${ENROOT_ENVIRON}"
}

# hooks::in_environ NAME: succeed when the container's environment file sets NAME.
hooks::in_environ() {
    grep -q "^$1=" "${ENROOT_ENVIRON}"
}

# hooks::fstab_escape TEXT: TEXT as one fstab field (backslash, blanks and newlines escaped in octal).
hooks::fstab_escape() {
    local text="$1"

    text="${text//\\/\\134}"
    text="${text// /\\040}"
    text="${text//$'\t'/\\011}"
    text="${text//$'\n'/\\012}"
    printf '%s' "${text}"
}

# hooks::safe_path PATH: succeed when no existing component of PATH inside the rootfs is a symlink,
# so that writing to "${ENROOT_ROOTFS}${PATH}" can never reach outside the rootfs.
hooks::safe_path() {
    local current="${ENROOT_ROOTFS}" part
    local -a parts

    IFS=/ read -r -a parts <<< "$1"
    for part in "${parts[@]}"; do
        [ -n "${part}" ] || continue
        [ "${part}" != ".." ] || return 1
        current="${current}/${part}"
        [ ! -L "${current}" ] || return 1
    done
}

# hooks::login_defs FILE KEY...: the last value of each KEY in a login.defs-style file of the rootfs,
# one line per key (empty when unset), in one pass.
hooks::login_defs() {
    local -r file="${ENROOT_ROOTFS}$1"
    shift
    if ! hooks::safe_path "${file#"${ENROOT_ROOTFS}"}" || [ ! -f "${file}" ]; then
        printf '%.0s\n' "$@"
        return
    fi
    awk -v keys="$*" '
        BEGIN { n = split(keys, key, " ") }
        { sub(/#.*/, ""); gsub(/[="]/, " ") }
        NF >= 2 { value[$1] = $2 }
        END { for (i = 1; i <= n; i++) print value[key[i]] }
    ' "${file}"
}

# hooks::add_env NAME VALUE: append NAME=VALUE to the container's environment unless it sets NAME
# already; values spanning lines are refused (they would inject variables).
hooks::add_env() {
    hooks::in_environ "$1" && return 0
    case "$2" in *$'\n'*) common::log WARN "Not passing $1 to the container: its value spans several lines"; return 0 ;; esac
    printf '%s=%s\n' "$1" "$2" >> "${ENROOT_ENVIRON}"
}

# hooks::pass_env PREFIX: append every exported variable whose name starts with PREFIX; prints
# nothing and fails when there is none.
hooks::pass_env() {
    local name found=1

    for name in $(compgen -e); do
        [[ "${name}" == "$1"* ]] || continue
        found=0
        case "${!name}" in *$'\n'*) common::log WARN "Not passing ${name} to the container: its value spans several lines"; continue ;; esac
        printf '%s=%s\n' "${name}" "${!name}" >> "${ENROOT_ENVIRON}"
    done
    return "${found}"
}
