//! The SRE domain: services, incidents, on-call teams and their time accounting.
//!
//! Pure: no files and no printing. [`simulate`] runs one replication of a validated
//! [`ScenarioConfig`] on the [`crate::engine`] and returns its metrics as
//! [`RunResult`] rows.

pub mod results;
mod run;
pub mod stats;

pub use results::*;
pub use run::{
    service_stream_base, simulate, RunOptions, DAYTIME, OPS_CAP_FRAC, WORKING_DAY, WORKING_TIME,
};
