//! The "Examples:" section of each command's `--help`: real commands on the bundled
//! scenarios (a test checks that every scenario path named here exists).

/// `sresim --help`.
pub const TOP: &str = "\
Examples:
  sresim                       # the workshop: five scenarios and one HTML page
  sresim run scenarios/baseline.toml --replications 20 --seed 7
  sresim validate scenarios/*.toml
  sresim sweep scenarios/capacity.toml
  sresim completions bash > ~/.local/share/bash-completion/completions/sresim";

/// `sresim run --help`.
pub const RUN: &str = "\
Examples:
  sresim run scenarios/baseline.toml --replications 20 --seed 7
  sresim run scenarios/baseline.toml --set services.checkout.page_rate_per_week=3.5
  sresim run scenarios/validation/mmc.toml --trace --out output/mmc
  sresim run scenarios/lifecycle.toml --json > lifecycle.json";

/// `sresim validate --help`.
pub const VALIDATE: &str = "\
Examples:
  sresim validate scenarios/baseline.toml
  sresim validate scenarios/*.toml scenarios/validation/*.toml
  sresim validate scenarios/reorg.toml --json";

/// `sresim sweep --help`.
pub const SWEEP: &str = "\
Examples:
  sresim sweep scenarios/capacity.toml
  sresim sweep scenarios/baseline.toml --vary teams.core.members.london=4,6,8 --vary services.catalog.count=5..40:5 --replications 30
  sresim sweep scenarios/capacity.toml --shard 1/4 --out shards/1
  sresim sweep scenarios/burnout.toml --json --quiet > burnout.json";

/// `sresim compare --help`.
pub const COMPARE: &str = "\
Examples:
  sresim compare scenarios/baseline.toml --variant \"24h shifts: teams.core.shift_hours=24\"
  sresim compare scenarios/baseline.toml --variant \"two-teams=scenarios/two-teams.toml\"
  sresim compare scenarios/baseline.toml --variant teams.core.members.london=4 --json";

/// `sresim plan --help`.
pub const PLAN: &str = "\
Examples:
  sresim plan --over organization.members.london=2..10 --over organization.members.mountain-view=2..10 \\
      --target pages_per_shift_p95<=2 --target ops_load_frac<=0.5
  sresim plan scenarios/baseline.toml --over teams.core.members.london=2..8 --target ops_load_frac<=0.5
  sresim plan scenarios/baseline.toml --over teams.core.shift_hours=24,12,8 --target shifts_over_budget_frac<=0.05 --json";

/// `sresim sensitivity --help`.
pub const SENSITIVITY: &str = "\
Examples:
  sresim sensitivity --metric ops_load_frac
  sresim sensitivity scenarios/baseline.toml --metric pages_per_shift_mean --keys 'services.*.page_rate_per_week,teams.core.*'
  sresim sensitivity --metric ops_load_frac --delta 10% --json";

/// `sresim plot --help`.
pub const PLOT: &str = "\
Examples:
  sresim sweep scenarios/capacity.toml --out output/capacity --no-charts
  sresim plot output/capacity";

/// `sresim merge --help`.
pub const MERGE: &str = "\
Examples:
  sresim sweep scenarios/capacity.toml --shard 1/2 --out shards/1
  sresim sweep scenarios/capacity.toml --shard 2/2 --out shards/2
  sresim merge shards/1 shards/2 --out output/capacity";

/// `sresim schema --help`.
pub const SCHEMA: &str = "\
Examples:
  sresim schema > sresim-scenario.schema.json
  sresim validate scenarios/baseline.toml   # the schema checks keys and ranges; validate checks everything

With taplo (VS Code: Even Better TOML), put at the top of a scenario such as scenarios/baseline.toml:
  #:schema ./sresim-scenario.schema.json";

/// `sresim completions --help`.
pub const COMPLETIONS: &str = "\
Examples:
  sresim completions bash > ~/.local/share/bash-completion/completions/sresim
  sresim completions zsh > ~/.zfunc/_sresim
  sresim completions fish > ~/.config/fish/completions/sresim.fish
  sresim run scenarios/<TAB>   # then completes scenarios/baseline.toml and friends";

/// `sresim workshop --help`.
pub const WORKSHOP: &str = "\
Examples:
  sresim workshop                      # writes output/workshop/index.html
  sresim workshop --out /tmp/workshop --threads 2
  sresim workshop --resume             # finish a workshop that was interrupted";

/// `sresim report --help`.
pub const REPORT: &str = "\
Examples:
  sresim run scenarios/lifecycle.toml --out output/lifecycle && sresim report output/lifecycle
  sresim sweep scenarios/structures.toml --out output/structures && sresim report output/structures
  sresim compare scenarios/baseline.toml --variant \"two-teams=scenarios/two-teams.toml\" --out output/two-teams && sresim report output/two-teams";
