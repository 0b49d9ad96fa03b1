#!/usr/bin/env bash
# Plans and applies stacks in the order given, each exactly as planned (`terraform apply tfplan`,
# never -auto-approve), and stops at the first failure: a later stack may read an earlier one's
# outputs. Per stack OUT_DIR gets <stack>.status (exit code of the plan), <stack>.json (the plan
# reduced by reduce-plan.jq) and <stack>.txt (the plan text), for the job summary.
#
# Usage: apply-stacks.sh OUT_DIR STACKS_DIR STACK...
set -euo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: apply-stacks.sh OUT_DIR STACKS_DIR STACK..." >&2
  exit 2
fi
out=$1
stacks_dir=$2
shift 2
reduce="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../plan-summary/src" && pwd)/reduce-plan.jq"
mkdir -p "$out"
# One download of each provider per job, not one per stack: the stacks of a job share a plugin
# cache. The synthesised stacks carry no dependency lock file, so Terraform (1.4+) uses the cache
# only when told it may (the lock file it writes in the throw-away stack directory lacks other
# platforms' checksums, which nothing here needs).
export TF_PLUGIN_CACHE_DIR="${TF_PLUGIN_CACHE_DIR:-${RUNNER_TEMP:-/tmp}/terraform-plugin-cache}"
export TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE=true
mkdir -p "$TF_PLUGIN_CACHE_DIR"

for stack in "$@"; do
  echo "::group::$stack"
  dir="$stacks_dir/$stack"
  terraform -chdir="$dir" init -input=false -no-color
  status=0
  terraform -chdir="$dir" plan -input=false -no-color -lock-timeout=10m -detailed-exitcode -out=tfplan || status=$?
  echo "$status" > "$out/$stack.status"
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    echo "::error title=terraform plan failed::stack $stack"
    exit 1
  fi
  terraform -chdir="$dir" show -json tfplan | jq -f "$reduce" > "$out/$stack.json"
  terraform -chdir="$dir" show -no-color tfplan > "$out/$stack.txt"
  if [ "$status" -eq 2 ]; then
    terraform -chdir="$dir" apply -input=false -no-color -lock-timeout=10m tfplan || {
      echo "::error title=terraform apply failed::stack $stack"
      exit 1
    }
  fi
  echo "::endgroup::"
done
