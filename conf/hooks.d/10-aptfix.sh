#!/bin/bash
# enroot-builtin: aptfix
# Debian and Ubuntu images started as remapped root (ENROOT_REMAP_ROOT, start --root): writes
# /etc/apt/apt.conf.d/enroot so that apt downloads as root instead of dropping privileges to _apt, a user
# the single-id user namespace cannot switch to.
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable it.
echo "10-aptfix.sh is performed by enroot start itself" >&2
exit 1
