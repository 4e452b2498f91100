#!/usr/bin/env bash
# Submits a scenario as an array of N shards and a merge job that waits for
# all of them:
#   deploy/slurm/submit.sh SCENARIO.toml N PARTS_DIR [nines run options…]
#   deploy/slurm/submit.sh scenarios/multi-az-web.toml 16 /shared/nines --trials 10000000
# PARTS_DIR must be on a file system every node sees. Prints the merge
# job's id. NINES names the binary (default: nines on the PATH).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scenario="$(realpath "${1:?usage: submit.sh SCENARIO N PARTS_DIR [options]}")"
shards="${2:?number of shards}"
parts="${3:?folder for the partials}"
shift 3
mkdir -p "$parts"
parts="$(realpath "$parts")"
export SCENARIO="$scenario" PARTS="$parts" NINES="${NINES:-nines}" NINES_ARGS="$*"
array=$(sbatch --parsable --chdir="$parts" --array="0-$((shards - 1))" --export=ALL "$here/shards.sbatch")
sbatch --parsable --chdir="$parts" --dependency="afterok:$array" --kill-on-invalid-dep=yes --export=ALL "$here/merge.sbatch"
