#!/usr/bin/env bash
# A single-node Slurm on this machine, for the Slurm worker's tests (test/slurm/) and for trying
# `fsdfm worker --slurm` without a cluster: installs Debian's slurm-wlm and munge when missing,
# writes a minimal slurm.conf (no cgroups, no accounting database) with its state under
# $FSDFM_SLURM_DIR (default /tmp/fsdfm-slurm), starts munged, slurmctld and slurmd, and waits
# for the node to be idle. Running it again while they run reuses them.
#
# On success the last line of stdout is the path of slurm.conf: point the Slurm commands at it
# with `export SLURM_CONF=<that path>`. Exit status 3 (with the reason on stderr) means Slurm
# cannot run here (no apt-get, not root, daemons refuse to start); tests skip on it.
set -uo pipefail

DIR=${FSDFM_SLURM_DIR:-/tmp/fsdfm-slurm}
CONF=$DIR/slurm.conf
NODE=$(hostname -s)
# More CPUs than the machine has (config_overrides keeps the node usable): a 2-rank job and a
# second test job fit at once on a 2-core CI machine; the ranks are tiny.
CPUS=$(( $(nproc) < 8 ? 8 : $(nproc) ))
cannot() { echo "slurm-local: $*" >&2; exit 3; }

SUDO=""
if [ "$(id -u)" != 0 ]; then
  sudo -n true 2>/dev/null || cannot "needs root (or passwordless sudo) to install and start munge and Slurm"
  SUDO="sudo -n"
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null || ! command -v sbatch >/dev/null; then
  command -v apt-get >/dev/null || cannot "slurm-wlm and munge are not installed and there is no apt-get"
  echo "slurm-local: apt-get install slurm-wlm munge" >&2
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends slurm-wlm munge; } >/dev/null 2>&1 ||
    cannot "apt-get install slurm-wlm munge failed"
fi

export SLURM_CONF=$CONF
node_state() { sinfo -h -n "$NODE" -o '%T' 2>/dev/null | head -1; }

# Already up (an earlier run): nothing to do.
if [ -f "$CONF" ] && scontrol ping 2>/dev/null | grep -q UP && [[ "$(node_state)" =~ ^(idle|mixed|allocated) ]]; then
  echo "$CONF"
  exit 0
fi

$SUDO mkdir -p "$DIR/ctld" "$DIR/spool" "$DIR/log"

# munge: the key Debian's package made, or one of our own.
if [ ! -s /etc/munge/munge.key ]; then
  $SUDO mkdir -p /etc/munge
  $SUDO dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
  $SUDO chown munge:munge /etc/munge/munge.key 2>/dev/null
  $SUDO chmod 400 /etc/munge/munge.key
fi
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  $SUDO mkdir -p /run/munge /var/log/munge /var/lib/munge
  $SUDO chown munge:munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null
  if id munge >/dev/null 2>&1; then
    $SUDO runuser -u munge -- /usr/sbin/munged --force 2>"$DIR/log/munged.err" || $SUDO /usr/sbin/munged --force 2>>"$DIR/log/munged.err"
  else
    $SUDO /usr/sbin/munged --force 2>"$DIR/log/munged.err"
  fi
  for _ in $(seq 50); do munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.1; done
  munge -n 2>/dev/null | unmunge >/dev/null 2>&1 || cannot "munged did not start: $(tail -3 "$DIR/log/munged.err" 2>/dev/null)"
fi

# Jobs end at their limit at once (OverTimeLimit=0) and are killed 2 s after SIGTERM
# (KillWait); finished jobs stay visible to squeue/scontrol for 30 minutes (MinJobAge), since
# there is no accounting database behind sacct here.
$SUDO tee "$CONF" >/dev/null <<EOF
ClusterName=fsdfmlocal
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
OverTimeLimit=0
KillWait=2
MinJobAge=1800
InactiveLimit=0
Waittime=0
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF

# Stop what an earlier run left (its pid files), then start both daemons against this config.
for pidfile in "$DIR/slurmd.pid" "$DIR/slurmctld.pid"; do
  if [ -s "$pidfile" ]; then
    pid=$(cat "$pidfile")
    $SUDO kill "$pid" 2>/dev/null && for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
done
$SUDO slurmctld -f "$CONF" -c -i 2>>"$DIR/log/start.err" || cannot "slurmctld did not start: $(tail -3 "$DIR/log/start.err")"
for _ in $(seq 100); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.1; done
scontrol ping 2>/dev/null | grep -q UP || cannot "slurmctld does not answer: $(tail -3 "$DIR/log/slurmctld.log" 2>/dev/null)"
$SUDO slurmd -f "$CONF" 2>>"$DIR/log/start.err" || cannot "slurmd did not start: $(tail -3 "$DIR/log/start.err")"
for _ in $(seq 150); do
  state=$(node_state)
  [[ "$state" =~ ^(idle|mixed|allocated)$ ]] && break
  [[ "$state" =~ (down|drain) ]] && $SUDO scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1
  sleep 0.2
done
[[ "$(node_state)" =~ ^(idle|mixed|allocated)$ ]] || cannot "node $NODE is '$(node_state)', not idle: $(tail -3 "$DIR/log/slurmd.log" 2>/dev/null)"
echo "$CONF"
