#!/usr/bin/env bash
# Regenerates the charts shown in README.md into output/readme/ (committed), from
# fresh runs of the bundled scenarios. Takes about a minute on two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/sresim
src=output/readme-src
rm -rf "$src" output/readme
mkdir -p output/readme
"$bin" run --out "$src/run" --quiet
"$bin" sweep scenarios/capacity.toml --out "$src/capacity" --quiet
"$bin" sweep scenarios/capacity.toml --out "$src/capacity-6" --quiet \
  --vary 'teams.core.members={ london = 6, mountain-view = 6 }'
"$bin" compare scenarios/baseline.toml --out "$src/compare" --quiet \
  --variant '24h shifts: teams.core.shift_hours=24' \
  --variant '4 per site: teams.core.members.london=4; teams.core.members.mountain-view=4' \
  --variant 'no follow-up: teams.core.followup_hours_per_incident=0'
cp "$src/run/ops_load.png" "$src/run/pages_per_shift.png" output/readme/
cp "$src/capacity-6/capacity.png" output/readme/capacity.png
cp "$src/capacity/heatmap_ops_load_frac.png" output/readme/heatmap_ops_load.png
cp "$src/capacity/heatmap_pages_per_shift_mean.png" output/readme/heatmap_pages_per_shift.png
cp "$src/compare/compare.png" output/readme/compare.png
"$bin" sweep scenarios/structures.toml --out "$src/structures" --quiet
cp "$src/structures/heatmap_worst_team_pages_per_shift_mean.png" output/readme/structures_pages_per_shift.png
cp "$src/structures/heatmap_worst_team_oncall_time_frac.png" output/readme/structures_oncall.png
"$bin" run scenarios/burnout.toml --out "$src/burnout-none" --quiet
"$bin" run scenarios/burnout.toml --out "$src/burnout-load" --quiet --set 'people.hiring="load"'
cp "$src/burnout-none/headcount.png" output/readme/burnout_headcount_no_hiring.png
cp "$src/burnout-load/headcount.png" output/readme/burnout_headcount_hiring.png
"$bin" run scenarios/lifecycle.toml --out "$src/lifecycle" --quiet
cp "$src/lifecycle/engagement.png" output/readme/lifecycle_engagement.png
"$bin" run scenarios/burnout.toml --out "$src/burnout-reliability" --quiet --set reliability.project_share=0.5
cp "$src/burnout-reliability/reliability.png" output/readme/burnout_reliability.png
"$bin" sweep scenarios/disengagement.toml --out "$src/disengagement" --quiet
cp "$src/disengagement/tradeoff.png" output/readme/disengagement_tradeoff.png
# The workshop page as a browser shows it (Debian's chromium, headless).
"$bin" workshop --out "$src/workshop" >/dev/null
if command -v chromium >/dev/null 2>&1; then
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1400,2400 \
    --screenshot="$PWD/output/readme/workshop.png" "file://$PWD/$src/workshop/index.html" 2>/dev/null
fi
ls -l output/readme
