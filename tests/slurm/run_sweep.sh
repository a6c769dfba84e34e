#!/usr/bin/env bash
# A Steppe sweep on a real, private, single-node SLURM cluster (slurmctld + slurmd +
# munged, all started here in a temporary directory on free ports, torn down on exit).
#
#   bash tests/slurm/run_sweep.sh STEPPE REPO_ROOT        (CTest: slurm.sweep)
#
# 1. scripts/slurm/submit on tests/data/sweep_gas.yaml: the job array through the real
#    scripts/slurm/sweep.sbatch plus the gather job; checks DIR/ensemble.h5 (statuses
#    complete, complete, failed, failed), the 4 scenario files and the array's logs.
# 2. The SIGTERM path: one long array task gets `scancel --batch --signal=TERM` (what
#    --signal=B:TERM@120 does before the wall-time limit); its file must say
#    "interrupted" with a .ckpt beside it; the same array index resubmitted continues it
#    to "complete".
#
# Needs root (or the user the daemons run as), Debian's slurmctld slurmd slurm-client
# munge, and /usr/bin/python3 with h5py. Exits 77 (CTest: skipped) when these are missing
# or the cluster cannot be started here, unless STEPPE_SLURM_REQUIRED=1 (then 1).
# STEPPE_SLURM_KEEP=1 keeps the temporary directory (logs, conf, results) for debugging;
# STEPPE_SLURM_BUDGET (s, default 240) bounds all waits together; STEPPE_SLURM_LONG_SECONDS
# (default 12) is the work of the long task. Takes about 35 s on 2 cores.
# shellcheck disable=SC2015,SC2317  # "A && B || fail" is meant; cleanup runs from the trap
set -uo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 STEPPE REPO_ROOT" >&2
  exit 2
fi
STEPPE=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
REPO=$(cd "$2" && pwd)
PY=/usr/bin/python3
T0=$SECONDS
# Every wait below ends by this deadline, so the script tears its cluster down itself
# well before CTest's TIMEOUT (300 s) would kill it.
DEADLINE=$((T0 + ${STEPPE_SLURM_BUDGET:-240}))

show_logs() {
  [ -n "${TMP:-}" ] && [ -d "$TMP" ] || return 0
  local f
  for f in "$TMP"/log/*.log "$TMP"/work/*.log; do
    [ -s "$f" ] || continue
    # slurmctld/slurmd -D echo their log file on stderr: show it once.
    case $f in *d.out.log) [ -s "${f%.out.log}.log" ] && continue ;; esac
    echo "----- ${f#"$TMP"/} (last 40 lines) -----"
    tail -n 40 "$f"
  done
}
log() { printf '[slurm.sweep %3ds] %s\n' "$((SECONDS - T0))" "$*"; }
fail() {
  log "FAIL: $*"
  show_logs
  exit 1
}
skip() {
  log "SKIP: $*"
  show_logs
  if [ "${STEPPE_SLURM_REQUIRED:-0}" = 1 ]; then exit 1; fi
  exit 77
}

# ---------------------------------------------------------------------------------------
# Prerequisites
for cmd in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
  command -v "$cmd" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
  command -v "$cmd" >/dev/null 2>&1 ||
    skip "'$cmd' not found (apt-get install slurmctld slurmd slurm-client munge)"
done
"$PY" -c 'import h5py, numpy' 2>/dev/null || skip "$PY cannot import h5py (apt-get install python3-h5py)"
[ -x "$STEPPE" ] || fail "no steppe binary at $STEPPE"
n=$("$STEPPE" sweep "$REPO/tests/data/sweep_gas.yaml" --count 2>&1) && [ "$n" = 4 ] ||
  fail "$STEPPE sweep ... --count did not print 4 (no 'sweep' subcommand?): $n"

# A job of an enclosing SLURM allocation (or the user's defaults) must not leak into ours.
for v in $(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN|SQUEUE|SINFO|SCANCEL)_' || true); do
  unset "$v"
done

# ---------------------------------------------------------------------------------------
# The private cluster
TMP=$(mktemp -d "${TMPDIR:-/tmp}/steppe-slurm.XXXXXX" 2>/dev/null) || TMP=""
if [ -z "$TMP" ] || [ ${#TMP} -gt 60 ]; then  # unix socket paths are limited to 107 bytes
  [ -n "$TMP" ] && rm -rf "$TMP"
  TMP=$(mktemp -d /tmp/steppe-slurm.XXXXXX) || skip "mktemp -d /tmp/steppe-slurm.XXXXXX failed"
fi
CONF=$TMP/slurm.conf
LOGS=$TMP/log
mkdir -p "$TMP/munge" "$TMP/state" "$TMP/spool" "$LOGS" "$TMP/work"
MUNGED_PID="" CTLD_PID="" SLURMD_PID=""
CLUSTER_UP=0

# Kills one daemon we started: SIGTERM, up to 10 s, then SIGKILL.
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  kill -KILL "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ "$CLUSTER_UP" = 1 ]; then
    # Jobs first: their slurmstepd and steppe processes are not children of slurmd and
    # would outlive it. Every job in this private cluster is ours.
    scancel --quiet --full -s KILL --partition=steppe 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_pid "$SLURMD_PID"
  stop_pid "$CTLD_PID"
  stop_pid "$MUNGED_PID"
  if [ "${STEPPE_SLURM_KEEP:-0}" = 1 ]; then
    log "kept $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'log "terminated by SIGTERM"; exit 143' TERM
trap 'log "interrupted by SIGINT"; exit 130' INT

# Two free TCP ports (ss if present, else a bind test).
port_free() {
  if command -v ss >/dev/null 2>&1; then
    [ -z "$(ss -Htln "sport = :$1" 2>/dev/null)" ] || return 1
  fi
  "$PY" -c 'import socket,sys; s=socket.socket(); s.bind(("", int(sys.argv[1]))); s.close()' "$1" \
    2>/dev/null
}
pick_port() {
  local p i
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 20000))
    [ "$p" != "${1:-}" ] && port_free "$p" && { echo "$p"; return 0; }
  done
  return 1
}
CTLD_PORT=$(pick_port) || skip "no free TCP port found"
SLURMD_PORT=$(pick_port "$CTLD_PORT") || skip "no free TCP port found"

HOST=$(hostname -s)
# "NodeName=h CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=…"
HW=$(slurmd -C 2>/dev/null | head -n 1)
case $HW in
  NodeName=*CPUs=*RealMemory=*) HW=${HW#NodeName=* } ;;
  *) skip "slurmd -C printed no node description: '$HW'" ;;
esac
USER_NAME=$(id -un)

cat >"$CONF" <<EOF
# Private single-node test cluster of tests/slurm/run_sweep.sh
ClusterName=steppetest
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$USER_NAME
SlurmdUser=$USER_NAME
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$TMP/munge/munge.sock
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$TMP/plugstack.conf
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
ReturnToService=2
SlurmdTimeout=20
SlurmctldTimeout=20
MessageTimeout=10
InactiveLimit=0
KillWait=5
MinJobAge=600
MailProg=/bin/true
NodeName=$HOST NodeAddr=127.0.0.1 $HW State=UNKNOWN
PartitionName=steppe Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
: >"$TMP/plugstack.conf"
export SLURM_CONF=$CONF

# munged with its own key, socket, pid, log and seed files.
head -c 1024 /dev/urandom >"$TMP/munge/munge.key"
chmod 600 "$TMP/munge/munge.key"
# munged wants its socket directory searchable by all (the key stays 0600).
chmod 711 "$TMP"
chmod 755 "$TMP/munge"
start_munged() {
  munged -F "$@" --socket="$TMP/munge/munge.sock" --key-file="$TMP/munge/munge.key" \
    --pid-file="$TMP/munge/munged.pid" --log-file="$LOGS/munged.log" \
    --seed-file="$TMP/munge/munged.seed" >>"$LOGS/munged.out.log" 2>&1 &
  MUNGED_PID=$!
  local i
  for i in $(seq 1 50); do
    [ -S "$TMP/munge/munge.sock" ] && return 0
    kill -0 "$MUNGED_PID" 2>/dev/null || break
    sleep 0.1
  done
  stop_pid "$MUNGED_PID"
  MUNGED_PID=""
  return 1
}
if ! start_munged; then
  log "munged refused to start; retrying with --force"
  start_munged --force || skip "munged does not start here (its log is above)"
fi
if command -v munge >/dev/null 2>&1 && command -v unmunge >/dev/null 2>&1; then
  munge -n --socket="$TMP/munge/munge.sock" | unmunge --socket="$TMP/munge/munge.sock" \
    >/dev/null 2>"$LOGS/unmunge.log" || skip "munge credentials do not round-trip"
fi
log "munged up (pid $MUNGED_PID); slurmctld port $CTLD_PORT, slurmd port $SLURMD_PORT, node $HOST: $HW"

slurmctld -D -c -f "$CONF" >"$LOGS/slurmctld.out.log" 2>&1 &
CTLD_PID=$!
slurmd -D -f "$CONF" >"$LOGS/slurmd.out.log" 2>&1 &
SLURMD_PID=$!
CLUSTER_UP=1

state=""
for i in $(seq 1 150); do  # 30 s
  kill -0 "$CTLD_PID" 2>/dev/null || skip "slurmctld exited (see slurmctld.log)"
  kill -0 "$SLURMD_PID" 2>/dev/null || skip "slurmd exited (see slurmd.log)"
  state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || skip "node $HOST not idle after 30 s (state '$state')"
log "node $HOST idle"

# ---------------------------------------------------------------------------------------
# Job helpers

# The value of KEY in a `scontrol show job -o` line.
field() { grep -oE "(^| )$1=[^ ]*" <<<"$2" | head -n 1 | sed -E "s/^ ?$1=//"; }
# "JobState ExitCode RunTime" of one job (JOBID or JOBID_TASK).
job_fields() {
  local line
  line=$(scontrol show job -o "$1" 2>/dev/null | head -n 1)
  echo "$(field JobState "$line") $(field ExitCode "$line") $(field RunTime "$line")"
}
is_final() {
  case $1 in
    COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) return 0 ;;
  esac
  return 1
}
# Waits until every job (array tasks included) of the given ids has ended.
wait_jobs() {
  local deadline=$((SECONDS + $1)) id line busy
  shift
  [ $deadline -gt $DEADLINE ] && deadline=$DEADLINE
  while :; do
    busy=0
    for id in "$@"; do
      while read -r line; do
        is_final "$(field JobState "$line")" || busy=1
      done < <(scontrol show job -o "$id" 2>/dev/null)
    done
    [ $busy = 0 ] && return 0
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}
# Prints one line per job / array task: id, name, state, exit code, elapsed.
report_jobs() {
  local id line task
  for id in "$@"; do
    while read -r line; do
      task=$(field ArrayTaskId "$line")
      task=${task:+${id%%_*}_$task}
      printf '  job %-8s %-10s %-14s %-10s exit %-6s elapsed %s\n' "${task:-$(field JobId "$line")}" \
        "${task:+(id $(field JobId "$line"))}" \
        "$(field JobName "$line")" "$(field JobState "$line")" "$(field ExitCode "$line")" \
        "$(field RunTime "$line")"
    done < <(scontrol show job -o "$id" 2>/dev/null)
  done
}

# A trivial job proves that the cluster runs jobs at all (else: this environment).
cd "$TMP/work" || exit 1
jid=$(sbatch --parsable --output=hostname-%j.log --wrap hostname 2>"$LOGS/sbatch.log") ||
  skip "sbatch rejected a trivial job: $(cat "$LOGS/sbatch.log")"
wait_jobs 30 "$jid" || skip "a trivial job did not end within 30 s"
read -r st ec _ <<<"$(job_fields "$jid")"
[ "$st" = COMPLETED ] && grep -qx "$(hostname)" "hostname-$jid.log" 2>/dev/null ||
  skip "a trivial job did not run here: $st, exit $ec"
log "trivial job $jid: $st"

# ---------------------------------------------------------------------------------------
# 1. The sweep through scripts/slurm/submit (array + gather)
export STEPPE
cp "$REPO/tests/data/sweep_gas.yaml" .
t1=$SECONDS
out=$("$REPO/scripts/slurm/submit" sweep_gas.yaml out 2>&1) || fail "submit failed: $out"
log "submit: $out"
# "array 12 (4 scenarios), gather 13"
ARRAY=$(sed -nE 's/^array ([0-9]+) \(([0-9]+) scenarios\), gather ([0-9]+)$/\1/p' <<<"$out")
GATHER=$(sed -nE 's/^array ([0-9]+) \(([0-9]+) scenarios\), gather ([0-9]+)$/\3/p' <<<"$out")
NSC=$(sed -nE 's/^array ([0-9]+) \(([0-9]+) scenarios\), gather ([0-9]+)$/\2/p' <<<"$out")
[ -n "$ARRAY" ] && [ -n "$GATHER" ] || fail "cannot read the job ids from: $out"
[ "$NSC" = 4 ] || fail "expected 4 scenarios, submit said $NSC"
wait_jobs 180 "$ARRAY" "$GATHER" || {
  report_jobs "$ARRAY" "$GATHER"
  fail "sweep jobs not done after $((SECONDS - t1)) s"
}
log "sweep jobs done in $((SECONDS - t1)) s:"
report_jobs "$ARRAY" "$GATHER"

# Array tasks 0, 1 complete (exit 0), 2, 3 (overload) fail with exit 1; so does the gather.
for i in 0 1 2 3; do
  read -r st ec _ <<<"$(job_fields "${ARRAY}_$i")"
  want=COMPLETED wec=0:0
  [ $i -ge 2 ] && want=FAILED wec=1:0
  [ "$st" = "$want" ] && [ "$ec" = "$wec" ] ||
    fail "array task $i: $st exit $ec, expected $want exit $wec"
  [ -s "steppe-sweep-${ARRAY}_$i.log" ] || fail "no log steppe-sweep-${ARRAY}_$i.log"
done
read -r st ec _ <<<"$(job_fields "$GATHER")"
[ "$st" = FAILED ] && [ "$ec" = 1:0 ] || fail "gather job: $st exit $ec, expected FAILED exit 1:0"
[ -s "steppe-gather-$GATHER.log" ] || fail "no log steppe-gather-$GATHER.log"
grep -q "2 complete, 2 failed" "steppe-gather-$GATHER.log" ||
  fail "gather log does not say '2 complete, 2 failed': $(cat "steppe-gather-$GATHER.log")"

"$PY" - out <<'EOF' || fail "ensemble index check failed"
import glob, os, sys
import h5py
d = sys.argv[1]
with h5py.File(os.path.join(d, "ensemble.h5"), "r") as f:
    s = f["scenarios"]
    status = list(s["status"].asstr()[...])
    files = list(s["file"].asstr()[...])
    names = list(s["name"].asstr()[...])
    p = f["gas/nodes/pressure"]
    shape = p.shape
assert status == ["complete", "complete", "failed", "failed"], status
assert len(files) == 4 and all(os.path.isfile(os.path.join(d, x)) for x in files), files
on_disk = sorted(os.path.basename(x) for x in glob.glob(os.path.join(d, "*.h5"))
                 if os.path.basename(x) != "ensemble.h5")
assert on_disk == sorted(files), (on_disk, files)
assert not glob.glob(os.path.join(d, "*.part")), glob.glob(os.path.join(d, "*.part"))
assert shape[0] == 4, shape
for k, x in enumerate(files):
    with h5py.File(os.path.join(d, x), "r") as g:
        assert g.attrs["status"] == status[k], (x, g.attrs["status"])
        assert int(g.attrs["sweep_index"]) == k, (x, g.attrs["sweep_index"])
print("  ensemble.h5:", list(zip(names, status)))
EOF
log "sweep checked: ensemble.h5 [complete, complete, failed, failed], 4 scenario files, logs"

# ---------------------------------------------------------------------------------------
# 2. SIGTERM to a running array task, then the same index resubmitted.
# Scenario 0 made long through the steppe arguments sweep.sbatch passes on: a daily
# repeating offtake (the solver works all the time), hourly output, and a duration
# calibrated here to ~LONG_SECONDS of work. No periodic checkpoint (STEPPE_CHECKPOINT_EVERY
# far away), so a .ckpt can only come from the signal.
LONG_SECONDS=${STEPPE_SLURM_LONG_SECONDS:-12}
LONG_SET=(--set "gas.offtakes.Demand.mass_flow.repeat=daily" --set "study.output_interval=1 h")
ms() { echo $(($(date +%s%N) / 1000000)); }
c0=$(ms)
"$STEPPE" sweep sweep_gas.yaml -o calibrate --index 0 -q --set "study.duration=300 d" \
  "${LONG_SET[@]}" >"$LOGS/calibrate.log" 2>&1 || fail "calibration run failed: $(cat "$LOGS/calibrate.log")"
c_ms=$(($(ms) - c0))
LONG_DAYS=$((300 * LONG_SECONDS * 1000 / (c_ms > 1 ? c_ms : 1)))
[ $LONG_DAYS -lt 2000 ] && LONG_DAYS=2000
[ $LONG_DAYS -gt 100000 ] && LONG_DAYS=100000
SAMPLES=$((LONG_DAYS * 24 + 1))
LONG_SET+=(--set "study.duration=$LONG_DAYS d")
rm -rf calibrate
log "300 d of scenario 0 took $c_ms ms here: the long task runs $LONG_DAYS d ($SAMPLES samples)"
sub_long() {
  STEPPE_CHECKPOINT_EVERY="1000000 d" sbatch --parsable --array=0 --chdir="$PWD" \
    --output="steppe-long-%A_%a.log" "$REPO/scripts/slurm/sweep.sbatch" sweep_gas.yaml out2 \
    "${LONG_SET[@]}"
}
# Checks the one results file in out2: its status, its samples (= N or < N), a checkpoint.
check_long() {
  "$PY" - out2 "$@" <<'PYEOF'
import glob, os, sys
import h5py
d, want, samples, ckpt_wanted = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "ckpt"
files = glob.glob(os.path.join(d, "*.h5"))
assert len(files) == 1, ("expected one results file", sorted(os.listdir(d)))
with h5py.File(files[0], "r") as f:
    status, rows = f.attrs["status"], f["time"].shape[0]
ckpt = os.path.isfile(files[0] + ".ckpt")
print(f"  {os.path.basename(files[0])}: status {status}, {rows} of {samples} samples, "
      f"checkpoint {'present' if ckpt else 'absent'}")
assert status == want, f"status {status}, expected {want}"
assert (0 < rows < samples) if want == "interrupted" else rows == samples, rows
assert ckpt == ckpt_wanted, sorted(os.listdir(d))
assert not glob.glob(os.path.join(d, "*.part")), sorted(os.listdir(d))
PYEOF
}
t2=$SECONDS
L1=$(sub_long) || fail "sbatch of the long task failed"
log "long task ${L1}_0 submitted"
# Wait until it runs and its results file (still .part) has samples on disk.
deadline=$((SECONDS + 60))
[ $deadline -gt $DEADLINE ] && deadline=$DEADLINE
rows=0
while :; do
  read -r st _ <<<"$(job_fields "${L1}_0")"
  is_final "$st" && fail "long task ended before the signal: $st"
  part=$(find out2 -maxdepth 1 -name "*.h5.part" 2>/dev/null | head -n 1)
  if [ "$st" = RUNNING ] && [ -n "$part" ]; then
    rows=$("$PY" -c '
import sys, h5py
try:
    with h5py.File(sys.argv[1], "r", swmr=True) as f: print(f["time"].shape[0])
except Exception: print(0)' "$part")
    [ "${rows:-0}" -ge 10 ] && break
  fi
  [ $SECONDS -lt $deadline ] || fail "long task not running with samples on disk after 60 s ($st, '${part:-}')"
  sleep 0.2
done
log "${part#out2/} has $rows samples: scancel --batch --signal=TERM ${L1}_0"
t3=$SECONDS
scancel --batch --signal=TERM "${L1}_0" || fail "scancel --signal=TERM failed"
wait_jobs 60 "$L1" || fail "long task did not stop within $((SECONDS - t3)) s of SIGTERM"
report_jobs "$L1"
read -r st ec _ <<<"$(job_fields "${L1}_0")"
# steppe exits 143 (128 + SIGTERM) after writing its checkpoint: not killed by the signal.
[ "$st" = FAILED ] && [ "$ec" = 143:0 ] || fail "interrupted task: $st exit $ec, expected FAILED 143:0"
grep -q "interrupted, checkpoint" "steppe-long-${L1}_0.log" || fail "task log does not report the checkpoint"
check_long interrupted "$SAMPLES" ckpt || fail "the interrupted task left no interrupted file + checkpoint"

t4=$SECONDS
L2=$(sub_long) || fail "sbatch of the resubmitted task failed"
log "same index resubmitted as ${L2}_0"
wait_jobs 150 "$L2" || {
  report_jobs "$L2"
  fail "resubmitted task not done after $((SECONDS - t4)) s"
}
report_jobs "$L2"
read -r st ec _ <<<"$(job_fields "${L2}_0")"
[ "$st" = COMPLETED ] && [ "$ec" = 0:0 ] || fail "resubmitted task: $st exit $ec, expected COMPLETED 0:0"
grep -q "continuing from its checkpoint" "steppe-long-${L2}_0.log" ||
  fail "the resubmitted task did not continue from the checkpoint"
check_long complete "$SAMPLES" none || fail "the resubmitted task did not complete the file"
log "SIGTERM path checked in $((SECONDS - t2)) s"

log "PASS in $((SECONDS - T0)) s"
exit 0
