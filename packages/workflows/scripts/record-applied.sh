#!/usr/bin/env bash
# Records in the state bucket the commit an environment is applied up to
# (s3://BUCKET/ci/applied/ENV.sha), which the next apply diffs against. The environment's
# projects are applied by JOBS parallel jobs of one run: each job that succeeds leaves
# ci/applied/ENV/RUN/JOB, then counts the run's objects, and whichever job sees all JOBS of them
# writes the marker. S3 reads and lists are strongly consistent, so at least one job sees the
# full count, and a run with a failed job never moves the marker (its changes are applied again
# by the next run, whose plans of the stacks that did apply are empty). With JOBS = 0 (no project
# jobs), the marker is written at once.
#
# Usage: record-applied.sh BUCKET ENV SHA RUN JOB JOBS
set -euo pipefail

if [ "$#" -ne 6 ]; then
  echo "usage: record-applied.sh BUCKET ENV SHA RUN JOB JOBS" >&2
  exit 2
fi
bucket=$1 env=$2 sha=$3 run=$4 job=$5 jobs=$6
if ! [[ "$sha" =~ ^[0-9a-f]{40}$ ]] || ! [[ "$jobs" =~ ^[0-9]+$ ]]; then
  echo "record-applied.sh: SHA must be a 40-hex commit and JOBS a number (got $sha, $jobs)" >&2
  exit 2
fi
marker="s3://$bucket/ci/applied/$env.sha"

if [ "$jobs" -gt 0 ]; then
  prefix="ci/applied/$env/$run/"
  printf '%s' "$sha" | aws s3 cp - "s3://$bucket/$prefix$job" --sse AES256
  done_jobs=$(aws s3api list-objects-v2 --bucket "$bucket" --prefix "$prefix" --query KeyCount --output text)
  if [ "$done_jobs" -lt "$jobs" ]; then
    echo "$done_jobs of $jobs project jobs of run $run done: the last one records the commit"
    exit 0
  fi
fi
printf '%s' "$sha" | aws s3 cp - "$marker" --sse AES256
echo "$env is applied up to $sha ($marker)"
if [ "$jobs" -gt 0 ]; then
  aws s3 rm "s3://$bucket/$prefix" --recursive --only-show-errors || true
fi
