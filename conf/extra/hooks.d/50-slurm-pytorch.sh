#!/bin/bash
# PyTorch distributed under Slurm: images that set PYTORCH_VERSION get the rendezvous variables
# torch.distributed reads, derived from the job step (each only when the image does not set it).
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

hooks::in_environ PYTORCH_VERSION || exit 0
[ -n "${SLURM_JOB_ID-}" ] || exit 0

if ! hooks::in_environ MASTER_ADDR; then
    common::checkcmd scontrol
    hooks::add_env MASTER_ADDR "$(scontrol show hostname "${SLURM_STEP_NODELIST-}" | head -n 1)"
fi
hooks::add_env MASTER_PORT "$((SLURM_JOB_ID % 4536 + 61000))"
hooks::add_env WORLD_SIZE "${SLURM_NTASKS-}"
hooks::add_env RANK "${SLURM_PROCID-}"
hooks::add_env LOCAL_RANK "${SLURM_LOCALID-}"
if [ "${SLURM_STEP_NUM_TASKS:-1}" -gt "${SLURM_STEP_NUM_NODES:-1}" ]; then
    hooks::add_env OMP_NUM_THREADS 1
fi
