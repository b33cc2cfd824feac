#!/usr/bin/env bash
# The demo of the main job. Today it shows the command line and the configuration; the import, create
# and start steps join it as those commands land.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
enroot=(node bin/enroot)
step() { printf '\n\033[1m$ enroot %s\033[0m\n' "$*"; }
step version; "${enroot[@]}" version
step info; "${enroot[@]}" info
step import --help; "${enroot[@]}" import --help
