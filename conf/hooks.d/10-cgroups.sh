#!/bin/bash
# enroot-builtin: cgroups
# The container sees only its own cgroups, read-only: each hierarchy's mount point is covered by the
# container's own subtree of it (its job's when SLURM_STEP_ID is set), and /sys/fs/cgroup is made
# read-only; with --net (ENROOT_UNSHARE_NET) a tmpfs gives the hierarchies a place in the fresh sysfs.
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable it.
echo "10-cgroups.sh is performed by enroot start itself" >&2
exit 1
