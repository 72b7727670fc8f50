#!/usr/bin/env bash
# Pins the outputs a refactoring must leave unchanged: runs every bundled scenario (a
# sweep where the file declares one, a traced run otherwise), the README's comparisons
# and the workshop at their fixed seeds, and prints one line per CSV file with its
# SHA-256. Save the list before a change and diff it after:
#
#   scripts/pin-outputs.sh BIN > before.txt   # BIN: a sresim binary built before the change
#   scripts/pin-outputs.sh > after.txt        # default: target/release/sresim
#   diff before.txt after.txt
#
# Writes only into a fresh temporary folder, which it removes.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/sresim}
[ -x "$bin" ] || { echo "no sresim binary at $bin (cargo build --release)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
opts=(--no-charts --quiet --threads 2)
for f in scenarios/*.toml scenarios/validation/*.toml; do
  name=$(basename "$f" .toml)
  if grep -q '^\[sweep\]' "$f"; then
    "$bin" sweep "$f" --out "$work/sweep-$name" "${opts[@]}" >/dev/null
  else
    "$bin" run "$f" --out "$work/run-$name" --trace "${opts[@]}" >/dev/null
  fi
done
"$bin" compare scenarios/baseline.toml --out "$work/compare-baseline" "${opts[@]}" \
  --variant '24h shifts: teams.core.shift_hours=24' \
  --variant '4 per site: teams.core.members.london=4; teams.core.members.mountain-view=4' \
  --variant 'no follow-up: teams.core.followup_hours_per_incident=0' >/dev/null
"$bin" compare scenarios/baseline.toml --out "$work/compare-two-teams" "${opts[@]}" \
  --variant 'two-teams=scenarios/two-teams.toml' >/dev/null
"$bin" sweep scenarios/baseline.toml --out "$work/sweep-structures-vary" "${opts[@]}" \
  --set 'organization.members={ london = 6, mountain-view = 6 }' \
  --vary 'organization.structure=single,by_product,by_stack' >/dev/null
"$bin" run scenarios/disengagement.toml --out "$work/run-error-budget" --trace "${opts[@]}" \
  --set 'engagement.disengage="error_budget"' --replications 2 >/dev/null
"$bin" workshop --out "$work/workshop" >/dev/null
cd "$work"
find . -name '*.csv' -type f | LC_ALL=C sort | xargs sha256sum
