#!/bin/bash
# SHARP collectives for jobs that asked Slurm for them (SLURM_NETWORK=sharp) and see HCAs.
set -euo pipefail
source "${ENROOT_LIBRARY_PATH}/common.sh"
source "${ENROOT_LIBRARY_PATH}/hooks.sh"

case "$(hooks::effective MELLANOX_VISIBLE_DEVICES)" in "" | void | none) exit 0 ;; esac
[ "${SLURM_NETWORK-}" = sharp ] || exit 0

hooks::add_env SHARP_COLL_LOCK_ON_COMM_INIT 1
hooks::add_env SHARP_COLL_NUM_COLL_GROUP_RESOURCE_ALLOC_THRESHOLD 0
hooks::add_env NCCL_COLLNET_ENABLE 1
hooks::add_env NCCL_SHARP_GROUP_SIZE_THRESH "${SLURM_STEP_NUM_NODES:-${OMPI_MCA_orte_num_nodes-}}"
