//! The SRE domain: services, incidents, on-call teams and their time accounting.
//!
//! Pure: no files and no printing. [`simulate`] runs one replication of a validated
//! [`ScenarioConfig`] on the [`crate::engine`] and returns its metrics.

pub mod config;

pub use config::*;
