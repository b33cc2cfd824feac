#!/bin/bash
# enroot-builtin: home
# ENROOT_MOUNT_HOME: the caller's home directory (HOME, else its passwd entry) bound at the same path,
# or at /root when remapped to root (ENROOT_REMAP_ROOT), and HOME set to it.
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable it.
echo "10-home.sh is performed by enroot start itself" >&2
exit 1
