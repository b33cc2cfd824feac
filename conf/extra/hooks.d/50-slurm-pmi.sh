#!/bin/bash
# MPI under Slurm: the job step's SLURM_*, PMIx (PMIX_*, its MCA settings and server directory)
# and PMI (PMI_*) variables, so that MPI in the container can reach srun's process manager.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

[ -n "${SLURM_JOB_ID-}" ] && [ -n "${SLURM_STEP_ID-}" ] || exit 0

hooks::pass_env SLURM_ || true

if [ -z "${SLURM_MPI_TYPE-}" ] || [[ "${SLURM_MPI_TYPE}" == pmix* ]]; then
    if hooks::pass_env PMIX_; then
        for pair in PMIX_MCA_ptl:PMIX_PTL_MODULE PMIX_MCA_psec:PMIX_SECURITY_MODE PMIX_MCA_gds:PMIX_GDS_MODULE; do
            target="${pair%%:*}" source="${pair#*:}"
            if [ -n "${!source-}" ] && [ -z "${!target-}" ]; then
                hooks::add_env "${target}" "${!source}"
            fi
        done
        if [ -n "${PMIX_SERVER_TMPDIR-}" ]; then
            printf '%s x-create=dir,bind,rw,nosuid,noexec,nodev,private,nofail\n' "$(hooks::fstab_escape "${PMIX_SERVER_TMPDIR}")" >> "${ENROOT_MOUNTS}"
        fi
    fi
fi

hooks::pass_env PMI_ || true
