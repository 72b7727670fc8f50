//! Integration tests for sresim, in one test binary.

mod arguments;
mod bounds;
mod charts;
mod cli;
mod cluster;
mod disengage;
mod engagement;
mod ergonomics;
mod faults;
mod fuzz;
mod golden;
mod growth;
mod jobs;
mod jsonschema;
#[cfg(target_os = "linux")]
mod memory;
mod model;
mod ownership;
mod people;
mod queueing;
mod readme;
mod reliability;
mod reorgs;
mod report;
mod scenario;
mod structures;
mod support;
mod sweep;
mod trust;
