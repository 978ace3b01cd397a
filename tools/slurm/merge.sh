#!/bin/bash
# Join the shards screen-array.sh wrote into one results folder,
# "$CAMPAIGN/all", once every array task has ended (afterany: a shard with
# a failed molecule exits 1, and the merge still runs):
#   sbatch --dependency=afterany:ARRAY_JOB_ID merge.sh
# Environment: ORBSCREEN and CAMPAIGN as for screen-array.sh.
#SBATCH --job-name=orbscreen-merge
#SBATCH --cpus-per-task=1
#SBATCH --mem=1G
#SBATCH --time=00:30:00
set -eu
C=${CAMPAIGN:-campaign}
"${ORBSCREEN:-orbscreen}" merge "$C/all" "$C"/shard*
