#!/bin/bash
# A campaign as one MPI job (orbscreen built with -DORBSCREEN_MPI=ON):
# rank 0 hands out molecules, largest first, and writes the results folder
# "$CAMPAIGN/mpi"; every other rank computes.
#   sbatch [--ntasks=R] [--cpus-per-task=C] [--mem-per-cpu=M] screen-mpi.sh \
#          ORBSCREEN-OPTIONS... FILE...
# Arguments are orbscreen's (method, basis, solvent, inputs); this script
# adds --threads, --resume and --out.  Environment: ORBSCREEN, the MPI
# build's binary (default: orbscreen on PATH); CAMPAIGN (default: campaign).
# The sizes below (rank 0 and one worker) fit one small node; give a
# cluster's on sbatch's command line, which overrides these lines.
#SBATCH --job-name=orbscreen-mpi
#SBATCH --ntasks=2
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=2G
#SBATCH --time=24:00:00
set -eu
# Where Open MPI lacks Slurm's PMI support: mpirun -n "$SLURM_NTASKS" for srun.
srun --cpu-bind=cores "${ORBSCREEN:-orbscreen}" --threads "${SLURM_CPUS_PER_TASK}" \
    --resume --out "${CAMPAIGN:-campaign}/mpi" "$@"
