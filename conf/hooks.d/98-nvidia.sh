#!/bin/bash
# enroot-builtin: nvidia
# NVIDIA GPUs (NVIDIA_VISIBLE_DEVICES, NVIDIA_DRIVER_CAPABILITIES, NVIDIA_REQUIRE_*,
# NVIDIA_DISABLE_REQUIRE, NVIDIA_MIG_CONFIG_DEVICES, NVIDIA_MIG_MONITOR_DEVICES).
# Built into enroot: `enroot start` performs this hook itself, through CDI specs, nvidia-container-cli
# or its own driver discovery (`enroot info` says which). Remove this file or make it
# non-executable to disable GPU support.
echo "98-nvidia.sh is performed by enroot start itself" >&2
exit 1
