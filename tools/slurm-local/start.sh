#!/bin/sh
# Start a one-node Slurm on this machine (Debian 12, as root; no systemd
# needed): install slurm-wlm and munge, write /etc/slurm/slurm.conf from
# slurm.conf beside this script with this host's name and `slurmd -C`'s
# node line, and start munged, slurmctld and slurmd.  Rerunning it restarts
# the daemons with the config written again.  Logs: /var/log/slurm/.
# usage: tools/slurm-local/start.sh      then e.g.  sinfo; srun hostname
set -eu
here=$(cd "$(dirname "$0")" && pwd)
need=""
for p in slurm-wlm munge; do dpkg -s "$p" > /dev/null 2>&1 || need="$need $p"; done
if [ -n "$need" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need > /dev/null
fi

# Stop what an earlier start left running (only the daemons' own pids).
for f in /run/slurm/slurmd.pid /run/slurm/slurmctld.pid; do
    [ -f "$f" ] && kill "$(cat "$f")" 2> /dev/null || true
done
sleep 1

# munge: Debian's package made the key; the daemon needs its run folder.
mkdir -p /run/munge && chown munge:munge /run/munge
if ! munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
    sleep 1
fi
munge -n | unmunge > /dev/null

# The config, for this host, whose name the daemons must resolve.
host=$(hostname -s)
getent hosts "$host" > /dev/null || echo "127.0.1.1 $host" >> /etc/hosts
mkdir -p /etc/slurm /run/slurm /var/log/slurm /var/lib/slurm/slurmctld /var/lib/slurm/slurmd
sed "s/@HOST@/$host/" "$here/slurm.conf" > /etc/slurm/slurm.conf
slurmd -C | head -n 1 >> /etc/slurm/slurm.conf
chown slurm:slurm /run/slurm /var/log/slurm /var/lib/slurm/slurmctld

# The controller runs as SlurmUser (it drops root itself); slurmd as root.
slurmctld
slurmd
i=0
until sinfo -h -o '%T' 2> /dev/null | grep -q idle; do
    i=$((i + 1))
    [ $i -lt 30 ] || { echo "start.sh: the node did not come up:"; sinfo; exit 1; }
    sleep 1
done
sinfo
