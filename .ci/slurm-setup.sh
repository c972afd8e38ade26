#!/usr/bin/env bash
# A single-node Slurm cluster on loopback for the sweep fault test (tests/AgentSim.Tests/Sweeps/SlurmSweepTests.cs),
# after the recipe in ../shared/design/SLURM.md. Needs root.
#
#   .ci/slurm-setup.sh start STATE   install slurm-wlm and munge if missing (CI=true only), start munged, slurmctld
#                                    and slurmd with STATE/slurm.conf; prints the variables the test reads
#   .ci/slurm-setup.sh stop STATE    stop the daemons started from STATE (by their pid files)
#
# 'start' writes STATE/env (AGENTSIM_SLURM=1, AGENTSIM_SLURM_STATE, SLURM_CONF) for the caller to source.
set -uo pipefail

command=${1:-}
state=${2:-}
if [ -z "$command" ] || [ -z "$state" ]; then
  echo "usage: $0 start|stop STATE" >&2
  exit 2
fi
mkdir -p "$state"
state=$(cd "$state" && pwd)

stop() {
  for pidfile in "$state/slurmd.pid" "$state/slurmctld.pid" "$state/munged.pid"; do
    [ -s "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    rm -f "$pidfile"
  done
}

if [ "$command" = stop ]; then
  stop
  exit 0
fi
if [ "$command" != start ]; then
  echo "usage: $0 start|stop STATE" >&2
  exit 2
fi

if [ "$(id -u)" != 0 ]; then
  echo "slurm-setup: not root; cannot start a Slurm cluster here" >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  if [ "${CI:-}" != true ]; then
    echo "slurm-setup: slurm-wlm and munge are not installed (CI=true installs them)" >&2
    exit 1
  fi
  echo "slurm-setup: installing slurm-wlm and munge from Debian"
  export DEBIAN_FRONTEND=noninteractive
  apt-get -o DPkg::Lock::Timeout=300 update -qq >/dev/null \
    && apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends slurm-wlm munge >/dev/null \
    || { echo "slurm-setup: installing slurm-wlm and munge failed" >&2; exit 1; }
fi

stop
# The usual ports, unless something (another cluster on a shared machine) already listens there.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=6817
while ! port_free "$ctld_port" || ! port_free $((ctld_port + 1)); do ctld_port=$((ctld_port + 100)); done
mkdir -p "$state/state" "$state/spool" "$state/log"
sed -e "s#STATE#$state#g" -e "s#CTLDPORT#$ctld_port#" -e "s#SLURMDPORT#$((ctld_port + 1))#" >"$state/slurm.conf" <<'EOF'
ClusterName=agentsim-ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
SlurmctldPort=CTLDPORT
SlurmdPort=SLURMDPORT
StateSaveLocation=STATE/state
SlurmdSpoolDir=STATE/spool
SlurmctldPidFile=STATE/slurmctld.pid
SlurmdPidFile=STATE/slurmd.pid
SlurmctldLogFile=STATE/log/slurmctld.log
SlurmdLogFile=STATE/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=10
MinJobAge=30
NodeName=localhost NodeAddr=127.0.0.1 CPUs=2 RealMemory=2000 State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF

# munge: one daemon per machine; reuse a running one, else start ours and remember its pid.
mkdir -p /run/munge /var/lib/munge /var/log/munge /etc/munge
chown munge:munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create 2>/dev/null || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown munge:munge /etc/munge/munge.key
  chmod 400 /etc/munge/munge.key
fi
if ! { [ -s /run/munge/munged.pid ] && kill -0 "$(cat /run/munge/munged.pid)" 2>/dev/null; }; then
  runuser -u munge -- munged || { echo "slurm-setup: munged did not start" >&2; exit 1; }
  for _ in $(seq 50); do [ -s /run/munge/munged.pid ] && break; sleep 0.1; done
  cp /run/munge/munged.pid "$state/munged.pid"
fi

export SLURM_CONF="$state/slurm.conf"
slurmctld -f "$SLURM_CONF" || { echo "slurm-setup: slurmctld did not start (see $state/log)" >&2; exit 1; }
slurmd -f "$SLURM_CONF" -N localhost || { echo "slurm-setup: slurmd did not start (see $state/log)" >&2; stop; exit 1; }
ready=
for _ in $(seq 120); do
  if sinfo -h -o %T 2>/dev/null | grep -q idle; then ready=1; break; fi
  sleep 0.5
done
if [ -z "$ready" ]; then
  echo "slurm-setup: the node did not become idle in 60 s (see $state/log)" >&2
  stop
  exit 1
fi
cat >"$state/env" <<EOF
export AGENTSIM_SLURM=1
export AGENTSIM_SLURM_STATE=$state
export SLURM_CONF=$state/slurm.conf
EOF
echo "slurm-setup: single-node Slurm ready (SLURM_CONF=$state/slurm.conf)"
