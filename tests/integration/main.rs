//! Integration tests for sresim, in one test binary.

mod arguments;
mod bounds;
mod charts;
mod cli;
mod cluster;
mod disengage;
mod docs;
mod engagement;
mod ergonomics;
mod faults;
mod fuzz;
mod golden;
mod growth;
mod jobs;
mod jsonschema;
mod layers;
mod layout;
#[cfg(target_os = "linux")]
mod memory;
mod model;
mod ownership;
mod people;
mod plan;
mod queueing;
mod readme;
mod reliability;
mod reorgs;
mod report;
mod scenario;
mod sensitivity;
mod structures;
mod support;
mod sweep;
mod trust;
