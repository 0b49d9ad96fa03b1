#!/usr/bin/env bash
# Plans stacks one after another (the stacks of one matrix job) and leaves, per stack, what the
# plan comment and the drift report read from OUT_DIR:
#   <stack>.status  exit code of `terraform plan -detailed-exitcode` (0 no changes, 2 changes or
#                   drift, anything else failed)
#   <stack>.json    `terraform show -json tfplan` reduced by reduce-plan.jq: terraform's full JSON
#                   holds sensitive values in clear text and never leaves the runner
#   <stack>.txt     `terraform show -no-color tfplan`, or the output of the failed command
# A failing stack does not stop the others; the script fails at the end, naming each.
#
# Usage: plan-stacks.sh [--refresh-only] OUT_DIR STACKS_DIR STACK...
#   --refresh-only  plan what changed outside Terraform (the drift check) instead of the code's changes
set -euo pipefail

mode=()
if [ "${1:-}" = --refresh-only ]; then
  mode=(-refresh-only)
  shift
fi
if [ "$#" -lt 2 ]; then
  echo "usage: plan-stacks.sh [--refresh-only] OUT_DIR STACKS_DIR STACK..." >&2
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

failed=()
for stack in "$@"; do
  dir="$stacks_dir/$stack"
  log="$out/$stack.log"
  status=0
  if [ ! -f "$dir/cdk.tf.json" ]; then
    echo "no synthesised stack at $dir/cdk.tf.json" > "$log"
    status=1
  else
    terraform -chdir="$dir" init -input=false -no-color > "$log" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
      terraform -chdir="$dir" plan "${mode[@]}" -input=false -no-color -lock-timeout=10m \
        -detailed-exitcode -out=tfplan >> "$log" 2>&1 || status=$?
    fi
  fi
  echo "::group::$stack (exit $status)"
  cat "$log"
  echo "::endgroup::"
  if [ "$status" -eq 0 ] || [ "$status" -eq 2 ]; then
    if ! { terraform -chdir="$dir" show -json tfplan | jq -f "$reduce" > "$out/$stack.json" &&
      terraform -chdir="$dir" show -no-color tfplan > "$out/$stack.txt"; } 2>> "$log"; then
      status=1
      rm -f "$out/$stack.json"
      cp "$log" "$out/$stack.txt"
    fi
  else
    cp "$log" "$out/$stack.txt"
  fi
  echo "$status" > "$out/$stack.status"
  if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then
    echo "::error title=terraform plan failed::stack $stack: terraform exited with status $status"
    failed+=("$stack")
  fi
done

if [ "${#failed[@]}" -gt 0 ]; then
  echo "${#failed[@]} of $# stack(s) failed: ${failed[*]}"
  exit 1
fi
