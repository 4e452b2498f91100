#!/usr/bin/env bash
# Tests the Slurm recipe for real on this machine: a single-node Slurm from
# the distribution's packages (installed if missing, Debian/Ubuntu), its
# configuration and state under target/slurm/ (SLURM_CONF: /etc/slurm is
# not touched), munged and the two Slurm daemons started if not running
# (and stopped again by their process ids at the end), then submit.sh runs
# scenarios/multi-az-web.toml as an array of 4 shards and a dependent merge
# job, and the merged report is compared byte for byte (outside timing)
# with one run of the same trials.
#   deploy/slurm/localhost.sh [TRIALS]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
trials="${1:-200000}"
shards=4
work="$root/target/slurm"

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq slurm-wlm munge >/dev/null
fi
(cd "$root" && cargo build --release --locked --quiet)
nines="$root/target/release/nines"

rm -rf "$work"
mkdir -p "$work/state" "$work/spool" "$work/parts"
host="$(hostname -s)"
export SLURM_CONF="$work/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=nines-local
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
NodeName=$host CPUs=$(nproc) State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

started=()
stop() {
    for pid in "${started[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap stop EXIT
if [ ! -S /run/munge/munge.socket.2 ]; then
    mkdir -p /run/munge
    chown munge:munge /run/munge
    [ -s /etc/munge/munge.key ] || mungekey --create --keyfile /etc/munge/munge.key
    chown munge:munge /etc/munge/munge.key
    chmod 400 /etc/munge/munge.key
    runuser -u munge -- munged
    started+=("$(cat /run/munge/munged.pid)")
fi
slurmctld
slurmd
sleep 1
started+=("$(cat "$work/slurmd.pid")" "$(cat "$work/slurmctld.pid")")
for _ in $(seq 30); do
    sinfo -h -o %T 2>/dev/null | grep -qx idle && break
    sleep 1
done
sinfo

merge_job=$(NINES="$nines" "$root/deploy/slurm/submit.sh" "$root/scenarios/multi-az-web.toml" "$shards" "$work/parts" --trials "$trials")
echo "submitted: an array of $shards shards and merge job $merge_job (after the array)"
squeue
state=""
for _ in $(seq 3600); do
    state=$(scontrol show job "$merge_job" -o 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
    case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
    sleep 1
done
echo "merge job $merge_job: $state"
ls "$work/parts"
cat "$work/parts/nines-merge-$merge_job.out"
[ "$state" = COMPLETED ] || exit 1

"$nines" run "$root/scenarios/multi-az-web.toml" --trials "$trials" --quiet --json "$work/one-run.json" >/dev/null
python3 - "$work/parts/report.json" "$work/one-run.json" <<'PY'
import json, sys
merged, single = (json.load(open(p)) for p in sys.argv[1:])
for r in (merged, single):
    r.pop("timing")
same = json.dumps(merged) == json.dumps(single)
print("merged report vs one run, outside timing:", "byte-identical" if same else "DIFFERENT")
sys.exit(0 if same else 1)
PY
