#!/usr/bin/env bash
# Sets up (system packages, npm ci, build) and runs the demo of the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run build --silent
node dist/scripts/demo.js
