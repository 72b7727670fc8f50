#!/bin/bash
#SBATCH --job-name=sresim-merge
#SBATCH --time=00:30:00
# The files one unsharded sweep writes, byte for byte, from every shard's folder.
set -euo pipefail
sresim merge shards/* --out output/capacity
