#!/bin/bash
# enroot-builtin: mellanox
# Mellanox InfiniBand HCAs (MELLANOX_VISIBLE_DEVICES, MELLANOX_CONFIG_DIR).
# Built into enroot: `enroot start` performs this hook itself. Remove this file or make it
# non-executable to disable HCA support.
echo "99-mellanox.sh is performed by enroot start itself" >&2
exit 1
