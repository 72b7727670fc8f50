#!/bin/bash
#SBATCH --job-name=sresim-sweep
#SBATCH --array=1-16
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
# Array task K runs shard K of SHARDS (16 unless set; keep it equal to the array's size).
set -euo pipefail
sresim sweep scenarios/capacity.toml --threads "$SLURM_CPUS_PER_TASK" \
  --shard "${SLURM_ARRAY_TASK_ID}/${SHARDS:-16}" --out "shards/${SLURM_ARRAY_TASK_ID}"
