#!/usr/bin/env bash
# The one check every CI runs (.ci/run after a clean install, and .github/workflows/ci.yml):
# format, lint (TypeScript per package and every plain .js/.mjs/.cjs file), typecheck, synth and
# test. Expects dependencies to be installed (`pnpm install --frozen-lockfile`).
# The tests run last so the log ends with their totals line ("tests: N passed, N failed, N skipped").
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1 CHECKPOINT_DISABLE=1

step() {
  echo "==> $*"
  "$@"
}

step pnpm format:check
step pnpm lint
step pnpm typecheck
step pnpm synth
step pnpm test
