#!/bin/sh
# Submits sweep.sh as a job array and merge.sh to start once every shard has succeeded.
# Options go to the array: SHARDS=4 sh submit.sh --array=1-4 runs 4 shards.
set -eu
array=$(sbatch --parsable "$@" sweep.sh)
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:${array}" merge.sh)
merge=${merge%%;*}
echo "shards: job ${array}; merge: job ${merge}"
