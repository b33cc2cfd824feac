#!/bin/bash
# MIG: when a visible GPU has MIG mode enabled, let the container configure it
# (NVIDIA_MIG_CONFIG_DEVICES=all, which 98-nvidia then applies). Whole GPUs only: MIG devices and
# GPU:instance ids are left alone.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

visible="$(hooks::effective NVIDIA_VISIBLE_DEVICES)"
case "${visible}" in "" | void | none | *MIG-* | *?:?*) exit 0 ;; esac

common::checkcmd nvidia-smi grep
args=(--query-gpu=mig.mode.current --format=csv,noheader)
[ "${visible}" = all ] || args+=(-i "${visible}")
if nvidia-smi "${args[@]}" | grep -q Enabled; then
    echo "NVIDIA_MIG_CONFIG_DEVICES=all" >> "${ENROOT_ENVIRON}"
fi
