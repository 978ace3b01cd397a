#!/bin/bash
# One shard of a campaign per task of a Slurm job array; merge.sh then
# joins the shards into one results folder.
#   sbatch [--array=1-N] [--cpus-per-task=C] [--mem-per-cpu=M] screen-array.sh \
#          ORBSCREEN-OPTIONS... FILE...
# Arguments are orbscreen's (method, basis, solvent, inputs); this script
# adds --shard K/N, --threads, --resume and --out "$CAMPAIGN/shardK".
# Environment (sbatch passes it on): ORBSCREEN, the binary (default:
# orbscreen on PATH); CAMPAIGN, the campaign folder (default: campaign).
# The sizes below fit one small node; give a cluster's on sbatch's command
# line, which overrides these lines.
#SBATCH --job-name=orbscreen
#SBATCH --array=1-4
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=2G
#SBATCH --time=12:00:00
#SBATCH --requeue
set -eu
N=${SLURM_ARRAY_TASK_COUNT}
K=${SLURM_ARRAY_TASK_ID}
# --resume: a requeued or preempted task restarts where it stopped.
srun "${ORBSCREEN:-orbscreen}" --threads "${SLURM_CPUS_PER_TASK}" \
    --shard "$K/$N" --resume --out "${CAMPAIGN:-campaign}/shard$K" "$@"
