#!/bin/sh
# test-slurm.sh GPRIOR WORKDIR: a sweep through a real single-node Slurm.
# Starts munged, slurmctld and slurmd of its own (private key, socket, ports,
# spool folders under WORKDIR; no systemd), submits the array script that
# `gprior batch --slurm` writes with `sbatch --wait`, builds the gallery with
# `gprior gallery`, and checks that figures and gallery equal those of
# `gprior batch -j 2`. Stops its daemons (by their pids) at the end. Needs root
# (slurmd runs jobs as the submitting user) and the Debian packages slurm-wlm
# and munge. Used by `make test-slurm`; prints "slurm: N passed, N failed".
set -u
gprior=$1
work=$2
case "$gprior" in /*) ;; *) gprior="$(pwd)/$gprior" ;; esac
rm -rf "$work"
mkdir -p "$work"
case "$work" in /*) ;; *) work="$(pwd)/$work" ;; esac
passed=0
failed=0
ok() {
    name=$1
    shift
    if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL $name"; fi
}
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    sleep 1
    for p in $pids; do kill -KILL "$p" 2>/dev/null; done
}
trap cleanup EXIT
for cmd in munged slurmctld slurmd sbatch sinfo; do
    command -v "$cmd" > /dev/null || { echo "test-slurm: $cmd is missing (apt-get install slurm-wlm munge)"; exit 2; }
done
[ "$(id -u)" -eq 0 ] || { echo "test-slurm: needs root (slurmd as root, single node)"; exit 2; }

# ---- munge, with a private key and socket --------------------------------------------
m="$work/munge"
mkdir -p "$m"
chmod 700 "$m"
dd if=/dev/urandom of="$m/munge.key" bs=1024 count=1 2> /dev/null
chmod 400 "$m/munge.key"
munged --force --key-file="$m/munge.key" --socket="$m/munge.socket" --pid-file="$m/munged.pid" \
    --log-file="$m/munged.log" --seed-file="$m/munged.seed" || { echo "test-slurm: munged did not start"; exit 1; }
sleep 0.5
pids="$(cat "$m/munged.pid")"

# ---- slurm.conf ------------------------------------------------------------------------
host=$(hostname -s)
cpus=$(nproc)
s="$work/slurm"
mkdir -p "$s/state" "$s/spool"
cat > "$s/slurm.conf" <<EOF
ClusterName=gprior-test
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$m/munge.socket
CredType=cred/munge
StateSaveLocation=$s/state
SlurmdSpoolDir=$s/spool
SlurmctldPidFile=$s/slurmctld.pid
SlurmdPidFile=$s/slurmd.pid
SlurmctldLogFile=$s/slurmctld.log
SlurmdLogFile=$s/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
NodeName=$host CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$s/slurm.conf"
start=$(date +%s)
slurmctld -D -i > "$s/slurmctld.out" 2>&1 &
pids="$pids $!"
slurmd -D > "$s/slurmd.out" 2>&1 &
pids="$pids $!"
i=0
until [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ] || [ $i -ge 60 ]; do sleep 0.5; i=$((i + 1)); done
state=$(sinfo -h -o %t 2>&1)
ok "the node is up (state: $state)" [ "$state" = "idle" ]
if [ "$state" != "idle" ]; then
    echo "--- slurmctld.log"; tail -20 "$s/slurmctld.log" 2>/dev/null
    echo "--- slurmd.log"; tail -20 "$s/slurmd.log" 2>/dev/null
    echo "slurm: $passed passed, $failed failed"
    exit 1
fi
echo "test-slurm: daemons up after $(($(date +%s) - start)) s"

# ---- a sweep through sbatch ---------------------------------------------------------------
cat > "$work/sweep.lua" <<'LUA'
-- RBF draws for one length-scale and amplitude.
local gp = require "gprior"
local l = gp.param("lengthscale", 1.0, "length-scale")
local a = gp.param("amplitude", 1, "amplitude")
local x = gp.linspace(0, 5, 30)
local S = gp.GP{kernel = gp.rbf{lengthscale = l, amplitude = a}}:sample(x, {n = 3})
gp.figure{title = string.format("l=%g a=%d", l, a)}:lines(x, S):save "draws.png"
S:write_tsv "draws.tsv"
LUA
cd "$work"
sweep="--sweep lengthscale=0.25,0.5,1,2 --sweep amplitude=1,2"
# shellcheck disable=SC2086
"$gprior" batch sweep.lua $sweep --out "$work/local" -j 2 > /dev/null 2>&1
# shellcheck disable=SC2086
"$gprior" batch sweep.lua $sweep --out "$work/out" --slurm "$work/job.sbatch" --slurm-opt=--cpus-per-task=1 > /dev/null 2>&1
ok "--slurm wrote the job" [ -s "$work/job.sbatch" ]
t0=$(date +%s)
sbatch --wait --partition=test "$work/job.sbatch" > "$work/sbatch.out" 2>&1
ok "sbatch --wait: every task succeeded ($(cat "$work/sbatch.out"))" [ $? -eq 0 ]
echo "test-slurm: 8 array tasks in $(($(date +%s) - t0)) s"
"$gprior" gallery "$work/out" > /dev/null 2>&1
ok "gprior gallery assembles the runs" [ -s "$work/out/index.html" ]
same=1
for f in "$work"/local/sweep/*/draws.png "$work"/local/sweep/*/draws.tsv; do
    cmp -s "$f" "$work/out/${f#"$work"/local/}" || { same=0; echo "differs: $f"; }
done
ok "Slurm gives byte-identical figures and data" [ "$same" -eq 1 ]
sed -E 's#<span class="time">[^<]*</span>##g' "$work/local/index.html" > "$work/local.html"
sed -E 's#<span class="time">[^<]*</span>##g' "$work/out/index.html" > "$work/out.html"
ok "Slurm gives the same gallery" cmp -s "$work/local.html" "$work/out.html"
echo "test-slurm: $(($(date +%s) - start)) s in all"
echo "slurm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
