#!/usr/bin/env bash
# The action's install step (action.yml): secsli from the action's own checkout, never from a
# registry name. dist/ is not committed (generated code is not reviewed twice), so it is built
# here with the lockfile's exact dev dependencies, which are then pruned: `secsli score` runs with
# the AWS role and the GitHub token in its environment and only the runtime dependencies on disk.
# --ignore-scripts: no dependency's install script runs; `prepare` (the build) is run explicitly.
set -euo pipefail
cd "${GITHUB_ACTION_PATH:?}"
npm ci --ignore-scripts --no-audit --no-fund
npm run build
npm prune --omit=dev --ignore-scripts --no-audit --no-fund
node dist/src/cli/index.js --version
