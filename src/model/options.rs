//! What one run is asked for ([`RunOptions`]) and how it can stop short
//! ([`Unstable`]): shared by the loop, the parts and the recorder.

/// Which run of which sweep point this is, and what to record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOptions {
    /// Sweep point index (0 for a plain run); labels the rows.
    pub point: u64,
    /// Point index mixed into every stream's seed. Sweeps and comparisons pass 0 for
    /// every point, so that replication r of every point sees the same random streams
    /// (common random numbers).
    pub stream_point: u64,
    /// Replication index; part of every stream's seed.
    pub replication: u64,
    /// Record one row per incident.
    pub trace: bool,
}

/// Pages waiting for a responder in one team's queue at which a run stops as
/// unstable: far beyond any queue a staffed rotation sees, and a bound on the memory a
/// run's queue takes.
pub const MAX_WAITING_PAGES: usize = 100_000;

/// A run stopped because a team's queue of waiting pages grew past
/// [`MAX_WAITING_PAGES`]: pages arrive faster than its responders mitigate them.
#[derive(Debug, Clone, PartialEq)]
pub struct Unstable {
    /// The team whose queue grew.
    pub team: String,
    /// When the queue passed the bound, in weeks since the start.
    pub week: f64,
    /// Sweep point (0 for a plain run).
    pub point: u64,
    /// Replication.
    pub replication: u64,
}

impl std::fmt::Display for Unstable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "unstable queue: team `{}` had {MAX_WAITING_PAGES} pages waiting for a responder by week {:.1} \
             (point {}, replication {}): pages arrive faster than its responders \
             mitigate them, so the queue would grow without bound. Lower the services' \
             page_rate_per_week (or phase multipliers), add responders (responders_per_shift, \
             members) or shorten time_to_mitigate",
            self.team, self.week, self.point, self.replication
        )
    }
}

impl std::error::Error for Unstable {}
