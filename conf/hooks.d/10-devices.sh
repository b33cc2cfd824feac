#!/bin/bash
# enroot-builtin: devices
# ENROOT_RESTRICT_DEV (and --ipc, ENROOT_UNSHARE_IPC): a fresh /dev holding only the standard devices
# instead of the host's; with --ipc, private /dev/shm and /dev/mqueue too.
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable it.
echo "10-devices.sh is performed by enroot start itself" >&2
exit 1
