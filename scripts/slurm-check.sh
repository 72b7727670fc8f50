#!/usr/bin/env bash
# Runs the cluster recipe of docs/cluster.md (scripts/slurm/: sweep.sh as a job array of 4 shards,
# merge.sh after it with --dependency=afterok) on a real single-node Slurm on this host,
# then one unsharded sweep of the same scenario, and compares every CSV byte for byte.
#
#   scripts/slurm-check.sh                        # as root; CI runs it from .ci/run
#   SRESIM=path/to/sresim scripts/slurm-check.sh  # that binary instead of a fresh build
#
# Installs Debian's slurm-wlm and munge when they are missing (apt-get). Everything else
# lives in one fresh temporary folder: the MUNGE key and socket, slurm.conf, the daemons'
# state, spool and logs, the jobs' folder. munged, slurmctld and slurmd run as plain
# background processes (no systemd, no cgroups) on free ports, so a Slurm or MUNGE
# already on the host is left alone. On exit, also on failure, it cancels its jobs,
# stops the daemons it started and removes the folder; it deletes nothing else.
#
# Environment: SRESIM (a sresim binary; default: cargo build --release, then
# target/release/sresim), SLURM_CHECK_TIMEOUT (seconds to wait for the jobs, default 600).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
timeout_s=${SLURM_CHECK_TIMEOUT:-600}
shards=4

say() { echo "slurm-check: $*"; }
fail() {
  echo "slurm-check: FAILED: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || fail "needs root (it installs packages and runs slurmd)"

# --- what this run creates, undone on exit -------------------------------------------
work=""
policy_rc=""
pids=()
jobs_submitted=()
cleanup() {
  local rc=$?
  set +e
  if [ ${#jobs_submitted[@]} -gt 0 ] && [ -n "$work" ] && [ -f "$work/etc/slurm.conf" ]; then
    export SLURM_CONF="$work/etc/slurm.conf"
    scancel "${jobs_submitted[@]}" 2>/dev/null
    # Let the cancelled jobs end before slurmd goes: no job outlives the check.
    for _ in $(seq 30); do
      [ -z "$(squeue -h -j "$(IFS=,; echo "${jobs_submitted[*]}")" 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  local pid i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ -n "$policy_rc" ]; then rm -f "$policy_rc"; fi
  if [ -n "$work" ]; then rm -rf "$work"; fi
  if [ "$rc" -eq 0 ]; then say "ok"; else echo "slurm-check: failed (exit $rc)" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- sresim ----------------------------------------------------------------------------
bin=${SRESIM:-}
if [ -z "$bin" ]; then
  say "building sresim (cargo build --release)"
  (cd "$repo" && cargo build --release --quiet)
  bin="$repo/target/release/sresim"
fi
[ -x "$bin" ] || fail "no sresim binary at $bin"
bin=$(realpath "$bin")

# --- Slurm and MUNGE from Debian ---------------------------------------------------------
missing=()
for cmd in munged munge slurmctld slurmd sbatch scontrol sinfo squeue scancel; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("$cmd")
done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing slurm-wlm and munge (missing: ${missing[*]})"
  # Keep the packages from starting their system services while they install
  # (policy-rc.d); only when there is no such policy already.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy_rc=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy_rc"
    chmod 0755 "$policy_rc"
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends slurm-wlm munge
  if [ -n "$policy_rc" ]; then
    rm -f "$policy_rc"
    policy_rc=""
  fi
else
  say "slurm-wlm and munge already installed"
fi
say "$(slurmctld -V)"

# --- the folder ------------------------------------------------------------------------
work=$(mktemp -d /tmp/sresim-slurm-check.XXXXXX)
mkdir -p "$work"/{bin,munge,etc,state,spool,log,run,jobs}
# The jobs find sresim on their PATH, as the recipe's user has it.
ln -s "$bin" "$work/bin/sresim"

# --- MUNGE: a key of our own, a socket of our own ---------------------------------------
socket="$work/munge/munge.socket"
dd if=/dev/urandom of="$work/munge/munge.key" bs=1024 count=1 status=none
chmod 0400 "$work/munge/munge.key"
# --force: munged refuses a socket that other users cannot reach (the folder is 0700);
# here only root talks to it.
munged --foreground --force \
  --key-file="$work/munge/munge.key" --socket="$socket" \
  --pid-file="$work/munge/munged.pid" --seed-file="$work/munge/munged.seed" \
  >"$work/log/munged.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  if munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; then break; fi
  sleep 0.2
done
munge -n -S "$socket" | unmunge -S "$socket" >/dev/null ||
  { cat "$work/log/munged.log" >&2; fail "munged does not answer"; }
say "munged is up ($socket)"

# --- slurm.conf: this host as controller and only node -----------------------------------
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctl_port=""
for p in $(seq 16817 2 16917); do
  if port_free "$p" && port_free $((p + 1)); then
    ctl_port=$p
    break
  fi
done
[ -n "$ctl_port" ] || fail "no two free ports in 16817..16918"
node=$(hostname -s)
# slurmd -C prints this machine's real layout and memory, as slurm.conf's node line.
hardware=$(slurmd -C)
hardware=${hardware%%$'\n'*}
case "$hardware" in
  NodeName=*) hardware=${hardware#NodeName=* } ;;
  *) fail "slurmd -C printed no node line: $hardware" ;;
esac
conf="$work/etc/slurm.conf"
cat >"$conf" <<EOF
# Written by scripts/slurm-check.sh for one check run; removed with its folder.
ClusterName=sresim-check
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctl_port
SlurmdPort=$((ctl_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$socket
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
DependencyParameters=kill_invalid_depend
MailProg=/bin/true
NodeName=$node NodeAddr=127.0.0.1 $hardware State=UNKNOWN
PartitionName=check Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"
say "slurm.conf: NodeName=$node $hardware, ports $ctl_port and $((ctl_port + 1))"

# --- the daemons -------------------------------------------------------------------------
slurmctld -D -f "$conf" >"$work/log/slurmctld.log" 2>&1 &
pids+=($!)
slurmd -D -f "$conf" -N "$node" >"$work/log/slurmd.log" 2>&1 &
pids+=($!)

daemon_logs() {
  local f
  echo "--- $conf" >&2
  cat "$conf" >&2
  for f in "$work"/log/*; do
    echo "--- $f" >&2
    tail -n 40 "$f" >&2
  done
}
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -n "$node" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  daemon_logs
  fail "node $node is not idle after 60 s (state: ${state:-no answer})"
fi
say "node $node is idle"

# --- the recipe (docs/cluster.md) ----------------------------------------------------
# The jobs' folder is laid out as the recipe's user has it: the batch files next to the
# scenarios.
cd "$work/jobs"
cp "$repo/scripts/slurm/sweep.sh" "$repo/scripts/slurm/merge.sh" "$repo/scripts/slurm/submit.sh" .
ln -s "$repo/scenarios" scenarios
# The scenario the array sweeps and the folder the merge writes, as the recipe has them.
scenario=$(sed -n 's/^sresim sweep \([^ ]*\) .*/\1/p' sweep.sh)
merged=$(sed -n 's/^sresim merge .* --out \([^ ]*\).*/\1/p' merge.sh)
[ -f "$scenario" ] || fail "sweep.sh sweeps no bundled scenario (${scenario:-none found})"
[ -n "$merged" ] || fail "merge.sh names no --out folder"
export PATH="$work/bin:$PATH"
submitted=$(SHARDS=$shards sh submit.sh --array=1-$shards --cpus-per-task=1)
say "$submitted"
case "$submitted" in
  "shards: job "*"; merge: job "*) ;;
  *) fail "submit.sh printed: $submitted" ;;
esac
array=${submitted#shards: job }
array=${array%%;*}
merge=${submitted##*merge: job }
jobs_submitted=("$array" "$merge")

job_report() {
  local f
  scontrol show job "$array" >&2 || true
  scontrol show job "$merge" >&2 || true
  for f in slurm-*.out; do
    [ -e "$f" ] || continue
    echo "--- $f" >&2
    cat "$f" >&2
  done
  daemon_logs
}
start=$SECONDS
merge_state=""
while :; do
  merge_state=$(scontrol -o show job "$merge" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || true)
  merge_state=${merge_state#JobState=}
  case "$merge_state" in
    COMPLETED) break ;;
    PENDING | CONFIGURING | RUNNING | COMPLETING | "") ;;
    *)
      job_report
      fail "merge job $merge ended $merge_state"
      ;;
  esac
  if [ $((SECONDS - start)) -ge "$timeout_s" ]; then
    job_report
    fail "jobs not done after ${timeout_s} s (merge job $merge: ${merge_state:-unknown})"
  fi
  sleep 1
done
say "array job $array ($shards shards) and merge job $merge completed in $((SECONDS - start)) s"
# One line per array task, from `scontrol -o show job`'s KEY=VALUE fields.
field() { [[ " $2 " =~ \ $1=([^ ]*) ]] && echo "${BASH_REMATCH[1]}"; }
scontrol -o show job "$array" | while read -r line; do
  echo "$(field ArrayTaskId "$line") $(field JobState "$line") $(field ExitCode "$line")" \
    "$(field NodeList "$line")"
done | sort -n | while read -r task task_state code nodes; do
  echo "  array task $task: $task_state, exit code $code, on $nodes"
done

# --- one unsharded sweep, and the comparison ----------------------------------------------
say "one unsharded sweep: sresim sweep $scenario"
sresim sweep "$scenario" --quiet --no-charts --out unsharded
merged_csv=$(cd "$merged" && find . -name '*.csv' -type f -printf '%P\n' | LC_ALL=C sort)
unsharded_csv=$(cd unsharded && find . -name '*.csv' -type f -printf '%P\n' | LC_ALL=C sort)
[ -n "$merged_csv" ] || fail "the merge wrote no CSV"
if [ "$merged_csv" != "$unsharded_csv" ]; then
  diff <(echo "$merged_csv") <(echo "$unsharded_csv") >&2 || true
  fail "the merged and the unsharded sweep wrote different CSV files (< merged, > unsharded)"
fi
differ=0
count=0
while read -r f; do
  count=$((count + 1))
  if cmp "$merged/$f" "unsharded/$f"; then
    echo "  identical: $f ($(wc -c <"unsharded/$f") bytes)"
  else
    differ=$((differ + 1))
  fi
done <<<"$merged_csv"
[ "$differ" -eq 0 ] || fail "$differ of $count CSV files differ between the merge and one sweep"
say "$count CSV files of the merge of $shards Slurm shards ($merged) are byte-identical to one sweep"
