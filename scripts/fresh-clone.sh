#!/usr/bin/env bash
# Proves a fresh clone is green: clones the committed HEAD of this repository into an empty
# temporary directory (nothing beside it: no shared/, no node_modules, no build output) and runs
# .ci/run there, exactly as CI does. Usage: bash scripts/fresh-clone.sh [commit]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
commit=${1:-$(git -C "$root" rev-parse HEAD)}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
git clone --quiet --no-hardlinks "$root" "$dir/repo"
git -C "$dir/repo" checkout --quiet --detach "$commit"
echo "==> fresh clone of $commit in $dir/repo"
cd "$dir/repo"
bash .ci/run
