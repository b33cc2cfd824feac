#!/bin/bash
# GPU check on a machine with an NVIDIA GPU: a busybox container (plus the C library nvidia-smi
# needs) started with NVIDIA_VISIBLE_DEVICES=all must run nvidia-smi and list the GPU.
# Usage: scripts/gpu-check.sh [--node DIR] [--as USER] [--cdi]
#   --node DIR  a directory holding the node binary, when none is in PATH
#   --as USER   start the containers as USER (run this script as root)
#   --cdi       also check the CDI backend with a spec written to /etc/cdi (root; removed afterwards)
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
as="" cdi=""
while [ $# -gt 0 ]; do
    case "$1" in
    --node) export PATH="$2:${PATH}"; shift 2 ;;
    --as) as="$2"; shift 2 ;;
    --cdi) cdi=y; shift ;;
    *) echo "usage: $0 [--node DIR] [--as USER] [--cdi]" >&2; exit 1 ;;
    esac
done
work="$(mktemp -d)"
cdi_spec=/etc/cdi/enroot-gpu-check.json
trap 'rm -rf "${work}"; [ -z "${cdi}" ] || rm -f "${cdi_spec}"' EXIT
chmod 755 "${work}"

export ENROOT_DATA_PATH="${work}/data" ENROOT_RUNTIME_PATH="${work}/run" ENROOT_CONFIG_PATH="${work}/config"
export ENROOT_CACHE_PATH="${work}/cache" ENROOT_TEMP_PATH="${work}/tmp" ENROOT_SYSCONF_PATH="${repo}/conf"
mkdir -p "${ENROOT_DATA_PATH}" "${ENROOT_RUNTIME_PATH}" "${ENROOT_CONFIG_PATH}" "${ENROOT_CACHE_PATH}" "${ENROOT_TEMP_PATH}"

busybox="$(command -v busybox || echo "${repo}/dist/device/busybox")"
rootfs="${ENROOT_DATA_PATH}/gpu"
mkdir -p "${rootfs}/bin" "${rootfs}/etc" "${rootfs}/tmp" "${rootfs}/root"
cp "${busybox}" "${rootfs}/bin/busybox"
for applet in sh ls cat echo env id grep; do ln -s busybox "${rootfs}/bin/${applet}"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "${rootfs}/etc/passwd"
printf '/lib/x86_64-linux-gnu\n/usr/lib/x86_64-linux-gnu\n' > "${rootfs}/etc/ld.so.conf"
# The C library of the host (not the driver's libraries: those are the GPU support's job).
smi="$(command -v nvidia-smi)"
for lib in $(ldd "${smi}" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
    case "${lib}" in *nvidia*|*libcuda*) continue ;; esac
    mkdir -p "${rootfs}$(dirname "${lib}")"
    cp -L "${lib}" "${rootfs}${lib}"
done

# A pristine copy for the CDI check (the built-in backend leaves its mount placeholders behind).
cp -a "${rootfs}" "${ENROOT_DATA_PATH}/gpu-cdi"

enroot=("${repo}/bin/enroot")
if [ -n "${as}" ]; then
    chown -R "${as}:" "${work}"
    enroot=(setpriv "--reuid=$(id -u "${as}")" "--regid=$(id -g "${as}")" --init-groups "${enroot[@]}")
    echo "== as ${as}: $(setpriv "--reuid=$(id -u "${as}")" "--regid=$(id -g "${as}")" --init-groups id)"
fi

echo "== enroot info (GPU lines)"
"${enroot[@]}" info | sed -n '/^GPU support:/,$p'
echo "== NVIDIA_VISIBLE_DEVICES=all enroot start gpu nvidia-smi"
NVIDIA_VISIBLE_DEVICES=all "${enroot[@]}" start gpu nvidia-smi
echo "== NVIDIA_VISIBLE_DEVICES=0 NVIDIA_DRIVER_CAPABILITIES=compute,utility: devices and libraries"
NVIDIA_VISIBLE_DEVICES=0 NVIDIA_DRIVER_CAPABILITIES=compute,utility "${enroot[@]}" start gpu sh -c 'id -u; nvidia-smi -L; ls /dev/nvidia*; ls /usr/lib/x86_64-linux-gnu | grep -E "^lib(cuda|nvidia-ml)"'
echo "== NVIDIA_VISIBLE_DEVICES=void (the host may export NVIDIA_* itself): nvidia-smi does not run"
NVIDIA_VISIBLE_DEVICES=void "${enroot[@]}" start gpu-cdi sh -c 'nvidia-smi -L >/dev/null 2>&1 && echo "nvidia-smi runs" || echo "nvidia-smi does not run"'
echo "== an unknown capability"
NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=bogus "${enroot[@]}" start gpu true || echo "exit status $?"
echo "== an unsatisfiable requirement"
NVIDIA_VISIBLE_DEVICES=all NVIDIA_REQUIRE_CUDA='cuda>=99.0' "${enroot[@]}" start gpu true || echo "exit status $?"

[ -n "${cdi}" ] || exit 0
echo "== CDI backend: a spec for GPU 0 written to ${cdi_spec}"
ml="$(readlink -f "$(ldconfig -p | awk '/libnvidia-ml.so.1 .*x86-64/ { print $NF; exit }')")"
mkdir -p /etc/cdi
cat > "${cdi_spec}" <<SPEC
{"cdiVersion": "0.5.0", "kind": "nvidia.com/gpu",
 "devices": [{"name": "0", "containerEdits": {"deviceNodes": [{"path": "/dev/nvidia0"}]}}],
 "containerEdits": {
   "env": ["GPU_CHECK_CDI=yes"],
   "deviceNodes": [{"path": "/dev/nvidiactl"}, {"path": "/dev/nvidia-uvm"}],
   "mounts": [
     {"hostPath": "${ml}", "containerPath": "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "options": ["ro", "nosuid", "nodev", "bind"]},
     {"hostPath": "${smi}", "containerPath": "/usr/bin/nvidia-smi", "options": ["ro", "nosuid", "nodev", "bind"]}],
   "hooks": [{"hookName": "createContainer", "path": "/bin/sh", "args": ["sh", "-c", "echo \\"CDI createContainer hook ran with state: \$(cat)\\" >&2"]}]}}
SPEC
"${enroot[@]}" info | sed -n '/^GPU support:/,$p'
NVIDIA_VISIBLE_DEVICES=nvidia.com/gpu=0 "${enroot[@]}" start gpu-cdi sh -c 'nvidia-smi -L; echo "GPU_CHECK_CDI=${GPU_CHECK_CDI-unset}"; ls /dev/nvidia*'
NVIDIA_VISIBLE_DEVICES=3 "${enroot[@]}" start gpu-cdi true || echo "exit status $?"
