//! The SRE domain: services, incidents, on-call teams and their time accounting.
//!
//! Pure: no files and no printing. [`simulate`] runs one replication of a validated
//! [`crate::scenario::ScenarioConfig`] on the [`crate::engine`] and returns its metrics
//! as [`RunResult`] rows. Each part owns its state, handles the events it cares about
//! with read access to the world and returns closed [`Decision`]s; the loop in `run`
//! carries them out in one `apply`, the only writer of pager holders, teams and
//! rosters. The modules, each with one job:
//!
//! - [`world`]: the entities (services, teams, engineers, incidents) behind typed ids,
//!   state only, including who holds each service's pager;
//! - [`event`]: the closed set of events, as past-tense facts;
//! - [`decision`]: what the parts decide, carried out by the loop's one `apply`;
//! - [`arrivals`]: each service's thinned Poisson process and its random streams;
//! - [`oncall`]: rotations, shifts, routing a page, handling, the waiting queue;
//! - [`engagement`]: SRE involvement by lifecycle phase, onboarding, disengagement;
//! - [`people`]: attrition, fatigue and hiring;
//! - [`reorg`]: splits and merges of teams;
//! - [`reliability`]: reliability work and neglect moving page rates;
//! - [`accounting`]: where each team's week went (ops, write-off, project time);
//! - [`slo`]: SLO windows and error budgets;
//! - [`recorder`]: the statistics window and every total, turned into rows at the end;
//! - [`metrics`]: the metric catalogue, every metric declared once;
//! - `run`: [`simulate`], the event dispatch, the ordering between the parts and
//!   `apply`.

pub mod accounting;
pub mod arrivals;
pub mod decision;
pub mod durations;
pub mod engagement;
pub mod estimate;
pub mod event;
pub mod hours;
pub mod metrics;
pub mod oncall;
mod options;
pub mod people;
pub mod recorder;
pub mod reliability;
pub mod reorg;
pub mod results;
mod run;
pub mod slo;
pub mod stats;
pub mod world;

pub use accounting::OPS_CAP_FRAC;
pub use arrivals::service_stream_base;
pub use decision::{Decision, HolderReason, ReorgKind, Split};
pub use estimate::{estimate_run, RunEstimate};
pub use hours::{DAYTIME, WORKING_DAY, WORKING_TIME};
pub use metrics::{Metric, MetricDef, MetricValues, CATALOGUE};
pub use options::{RunOptions, Unstable, MAX_WAITING_PAGES};
pub use results::*;
pub use run::simulate;
