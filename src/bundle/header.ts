// The shell script at the head of a bundle: it checks the payload, reads the bundle options, extracts the
// payload (a gzip-compressed tar) and runs the carried runtime's `enroot start` on the extracted tree. bash,
// coreutils, gzip, tar and util-linux's unshare are all it needs from the host.
import { shellQuote } from '../image/shell-quote.js';

export interface BundleHeader {
  description: string;
  target: string;
  checksum: string;
  runtimeVersion: string;
  uncompressedKb: number;
}

const PREAMBLE = `#!/usr/bin/env bash
# enroot bundle: this script, then a gzip-compressed tar of a container root filesystem and of the runtime
# that starts it (Node.js and enroot). Run it with --help; --info describes the bundle.
`;

const RUNNER = `set -u
umask 077

zeros=0000000000000000000000000000000000000000000000000000000000000000
bundle=$(readlink -f -- "$0") || { echo "[ERROR] No such file or directory: $0" >&2; exit 1; }
name=$(basename -- "$0")

error() { printf '[ERROR] %s\\n' "$*" >&2; exit 1; }
info() { [ -n "$quiet" ] || printf '[INFO] %s\\n' "$*" >&2; }
payload() { tail -c "+$((payload_offset + 1))" -- "$bundle"; }

usage() {
  printf 'Usage: %s [options] [--] [COMMAND] [ARG...]\\n' "$name"
  [ "$description" = none ] || printf '\\n%s\\n' "$description"
  cat <<'USAGE'

 Options:
   -i, --info           Describe this bundle
   -k, --keep           Keep the bundle extracted in the target directory
   -q, --quiet          Print only the container's output
   -v, --verify         Check that this machine can run the bundle
   -x, --extract        Extract the bundle in the target directory and exit (implies --keep)

   -c, --conf CONFIG    Specify a configuration script to run before the container starts
   -e, --env KEY[=VAL]  Export an environment variable inside the container
   -m, --mount FSTAB    Perform a mount from the host inside the container (colon-separated)
       --rc SCRIPT      Override the command script inside the container
   -r, --root           Ask to be remapped to root inside the container
   -w, --rw             Make the container root filesystem writable

 Environment:
   ENROOT_* settings are honoured as by enroot start; the target directory may start with ~/ or $HOME/.
USAGE
}

usage_error() {
  printf '[ERROR] %s\\n' "$1" >&2
  usage >&2
  exit 1
}

info_report() {
  [ "$checksum" = "$zeros" ] || printf 'Checksum: %s\\n' "$checksum"
  printf 'Compression: %s\\nDescription: %s\\nRuntime version: %s\\nTarget directory: %s\\nUncompressed size: %s KB\\n' \\
    "$compression" "$description" "$runtime_version" "$target" "$uncompressed_kb"
}

verify_report() {
  local bold='' normal='' config='' file value
  if [ -t 1 ]; then bold=$'\\e[1m'; normal=$'\\e[0m'; fi
  check() { printf '%-45s: %s\\n' "$1" "$2"; }
  section() { printf '\\n%s%s%s\\n' "$bold" "$1" "$normal"; }
  kernel_option() {
    case $(printf '%s\\n' "$config" | sed -n "s/^$1=//p") in
      y) check "$1" OK ;;
      m) check "$1" 'OK (module)' ;;
      *) check "$1" "$2" ;;
    esac
  }
  printf '%sKernel version:%s\\n\\n' "$bold" "$normal"
  cat /proc/version
  for file in /proc/config.gz "/boot/config-$(uname -r)" "/usr/src/linux-$(uname -r)/.config" /usr/src/linux/.config "/lib/modules/$(uname -r)/build/.config"; do
    [ -r "$file" ] || continue
    case $file in *.gz) config=$(gzip -dc "$file") ;; *) config=$(cat "$file") ;; esac
    break
  done
  [ -n "$config" ] || error 'Could not find kernel configuration'
  section 'Kernel configuration:'
  kernel_option CONFIG_NAMESPACES KO
  kernel_option CONFIG_USER_NS KO
  kernel_option CONFIG_SECCOMP_FILTER KO
  kernel_option CONFIG_OVERLAY_FS 'KO (optional)'
  kernel_option CONFIG_X86_VSYSCALL_EMULATION 'KO (required if glibc <= 2.13)'
  kernel_option CONFIG_VSYSCALL_EMULATE 'KO (required if glibc <= 2.13)'
  kernel_option CONFIG_VSYSCALL_NATIVE 'KO (required if glibc <= 2.13)'
  section 'Kernel command line:'
  local cmdline os_id=''
  cmdline=" $(cat /proc/cmdline) "
  [ -r /etc/os-release ] && os_id=$(. /etc/os-release && printf '%s%s' "\${ID:-}" "\${VERSION_ID:-}")
  case $os_id in
    centos7*|rhel7*|ol7*)
      for value in namespace.unpriv_enable=1 user_namespace.enable=1; do
        case $cmdline in *" $value "*) check "$value" OK ;; *) check "$value" KO ;; esac
      done ;;
  esac
  for value in vsyscall=native vsyscall=emulate; do
    case $cmdline in *" $value "*) check "$value" OK ;; *) check "$value" 'KO (required if glibc <= 2.13)' ;; esac
  done
  section 'Kernel parameters:'
  for file in kernel/unprivileged_userns_clone user/max_user_namespaces user/max_mnt_namespaces; do
    [ -r "/proc/sys/$file" ] || continue
    if [ "$(cat "/proc/sys/$file")" -gt 0 ]; then check "\${file//\\//.}" OK; else check "\${file//\\//.}" KO; fi
  done
  file=kernel/apparmor_restrict_unprivileged_userns
  if [ -r "/proc/sys/$file" ]; then
    if [ "$(cat "/proc/sys/$file")" -eq 0 ]; then check "\${file//\\//.}" OK; else check "\${file//\\//.}" 'KO (required w/o apparmor profile)'; fi
  fi
  section 'Extra packages:'
  if command -v unshare > /dev/null; then check unshare OK; else check unshare 'KO (required: util-linux)'; fi
  if command -v nvidia-container-cli > /dev/null; then check nvidia-container-cli OK; else check nvidia-container-cli 'KO (required for GPU support)'; fi
}

# A target written as ~/DIR or $HOME/DIR is taken from the home directory of whoever runs the bundle;
# nothing else in it is expanded.
expand_home() {
  case $1 in
    '~') printf '%s' "$HOME" ;;
    '~/'*) printf '%s/%s' "$HOME" "\${1#'~/'}" ;;
    '$HOME') printf '%s' "$HOME" ;;
    '$HOME/'*) printf '%s/%s' "$HOME" "\${1#'$HOME/'}" ;;
    '\${HOME}') printf '%s' "$HOME" ;;
    '\${HOME}/'*) printf '%s/%s' "$HOME" "\${1#'\${HOME}/'}" ;;
    *) printf '%s' "$1" ;;
  esac
}

if [ "$checksum" != "$zeros" ]; then
  [ "$(payload | sha256sum | cut -d' ' -f1)" = "$checksum" ] || error 'Checksum validation failed'
fi

keep='' quiet='' extract=''
start_options=()
while [ $# -gt 0 ]; do
  case $1 in
    -i|--info) info_report; exit 0 ;;
    -v|--verify) verify_report; exit 0 ;;
    -k|--keep) keep=y ;;
    -q|--quiet) quiet=y ;;
    -x|--extract) keep=y; extract=y ;;
    -r|--root|-w|--rw) start_options+=("$1") ;;
    -c|--conf|-e|--env|-m|--mount|--rc)
      [ $# -ge 2 ] && [ -n "$2" ] || usage_error "Option $1 needs a value"
      start_options+=("$1" "$2")
      shift ;;
    --conf=?*|--env=?*|--mount=?*|--rc=?*) start_options+=("$1") ;;
    -h|--help) usage; exit 0 ;;
    --) shift; break ;;
    -?*) usage_error "Unknown option: $1" ;;
    *) break ;;
  esac
  shift
done

# A kept target stays only once it is completely extracted; a temporary one always goes.
rootfs='' runtime_dir='' extracted=''
cleanup() {
  if [ -n "$runtime_dir" ]; then
    if [ -n "$keep" ]; then rmdir -- "$runtime_dir" 2> /dev/null; else rm -rf -- "$runtime_dir"; fi
  fi
  if [ -n "$rootfs" ] && { [ -z "$keep" ] || [ -z "$extracted" ]; }; then
    rm -rf -- "$rootfs" 2> /dev/null || { chmod -R u+rwX -- "$rootfs"; rm -rf -- "$rootfs"; }
  fi
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "$keep" ]; then
  kept=$(realpath -m -- "$(expand_home "$target")") || error "Invalid argument: $target"
  [ ! -e "$kept" ] || error "File already exists: $kept"
  [ -d "$(dirname -- "$kept")" ] || error "No such file or directory: $(dirname -- "$kept")"
  mkdir -m 0700 -- "$kept" || error "Could not create the directory $kept"
  rootfs=$kept
else
  temp=\${ENROOT_TEMP_PATH:-\${TMPDIR:-/tmp}}
  rootfs=$(mktemp -d -- "$temp/$(basename -- "$target").XXXXXXXXXX") || error "Could not create a directory in $temp (set ENROOT_TEMP_PATH to a writable directory)"
fi
parent=$(dirname -- "$rootfs")
runtime_dir="$parent/.$(basename -- "$rootfs")"
mkdir -p -m 0700 -- "$runtime_dir" || error "Could not create the directory $runtime_dir"

available=$(df -Pk -- "$parent" | awk 'NR == 2 { print $4 }')
[ "\${available:-0}" -ge "$uncompressed_kb" ] || error "Not enough space left in $parent ($uncompressed_kb KB needed)"
info "Extracting bundle into $rootfs..."
payload | gzip -dc | tar -C "$rootfs" -xpf - || error "Could not extract the bundle into $rootfs"
touch -- "$rootfs"
extracted=y
[ -z "$extract" ] || exit 0

runtime="$rootfs/.enroot/runtime"
status=0
ENROOT_DATA_PATH=$parent \\
ENROOT_RUNTIME_PATH=$runtime_dir \\
ENROOT_CACHE_PATH=$runtime_dir \\
ENROOT_SYSCONF_PATH="$rootfs/.enroot/etc/system" \\
ENROOT_CONFIG_PATH="$rootfs/.enroot/etc/user" \\
ENROOT_CONF_FILE="$rootfs/.enroot/etc/enroot.conf" \\
ENROOT_LIBRARY_PATH="$runtime/lib" \\
  "$runtime/bin/node" "$runtime/bin/enroot" start \${start_options[@]+"\${start_options[@]}"} -- "$(basename -- "$rootfs")" "$@" || status=$?
if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then
  cleanup
  trap - EXIT INT TERM "$((status - 128))"
  kill -s "$((status - 128))" $$
fi
exit "$status"
`;

function scriptWith(header: BundleHeader, payloadOffset: number): string {
  const values = [
    `description=${shellQuote(header.description)}`,
    `target=${shellQuote(header.target)}`,
    "compression='gzip'",
    `checksum=${shellQuote(header.checksum)}`,
    `runtime_version=${shellQuote(header.runtimeVersion)}`,
    `uncompressed_kb=${header.uncompressedKb}`,
    `payload_offset=${payloadOffset}`,
  ];
  return `${PREAMBLE}${values.join('\n')}\n${RUNNER}`;
}

/** The header script; the payload starts right after its last byte. Every value is one quoted shell word. */
export function bundleHeader(header: BundleHeader): Buffer {
  let offset = 0;
  for (;;) {
    const script = Buffer.from(scriptWith(header, offset));
    if (script.length === offset) return script;
    offset = script.length;
  }
}
