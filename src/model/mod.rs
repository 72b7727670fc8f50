//! The SRE domain: services, incidents, on-call teams and their time accounting.
//!
//! Pure: no files and no printing. [`simulate`] runs one replication of a validated
//! [`crate::scenario::ScenarioConfig`] on the [`crate::engine`] and returns its metrics
//! as [`RunResult`] rows. The parts, each with one job:
//!
//! - [`world`]: the entities (services, teams, engineers, incidents) behind typed ids,
//!   state only, including who holds each service's pager;
//! - [`event`]: the closed set of events, as past-tense facts;
//! - [`arrivals`]: each service's thinned Poisson process and its random streams;
//! - [`oncall`]: rotations, shifts, routing a page, handling, the waiting queue;
//! - [`accounting`]: where each team's week went (ops, write-off, project time);
//! - [`slo`]: SLO windows and error budgets;
//! - [`recorder`]: the statistics window and every total, turned into rows at the end;
//! - [`metrics`]: the metric catalogue, every metric declared once;
//! - `run`: [`simulate`], the event dispatch and the ordering between the parts.

pub mod accounting;
pub mod arrivals;
pub mod durations;
pub mod engagement;
pub mod estimate;
pub mod event;
pub mod metrics;
pub mod oncall;
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
pub use estimate::{estimate_run, RunEstimate};
pub use metrics::{Metric, MetricDef, MetricValues, CATALOGUE};
pub use oncall::{DAYTIME, WORKING_DAY, WORKING_TIME};
pub use results::*;
pub use run::{simulate, RunOptions, Unstable, MAX_WAITING_PAGES};
