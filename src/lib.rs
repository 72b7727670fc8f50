//! sresim: a discrete-event simulator of SRE team scaling.
//!
//! Layers, top to bottom: [`jobs`] (a run, sweep, comparison, merge, plot or validation
//! as one call with typed results and errors: what the command, or another program,
//! calls), [`scenario`] (TOML → validated [`scenario::ScenarioConfig`]), [`sweep`] (runs
//! replications in parallel), [`engine`] (generic event queue, clock and random
//! streams), [`model`] (the SRE domain, pure), [`report`] (CSV, manifest, terminal
//! tables). The binary's command-line layer lives in `cli`.

#![warn(missing_docs)]

pub mod calibrate;
pub mod engine;
pub mod jobs;
pub mod model;
pub mod report;
pub mod scenario;
pub mod sweep;
