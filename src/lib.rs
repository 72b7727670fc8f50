//! sresim: a discrete-event simulator of SRE team scaling.
//!
//! Layers, top to bottom: [`scenario`] (TOML → validated [`scenario::ScenarioConfig`]),
//! [`sweep`] (runs replications in parallel), [`engine`] (generic event queue, clock and
//! random streams), [`model`] (the SRE domain, pure), [`report`] (CSV and manifest).
//! The binary's command-line layer lives in `cli`.

#![warn(missing_docs)]

pub mod engine;
pub mod model;
pub mod report;
pub mod scenario;
pub mod sweep;
