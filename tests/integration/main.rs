//! Integration tests for sresim, in one test binary.

mod bounds;
mod charts;
mod cli;
mod golden;
mod jobs;
mod model;
mod queueing;
mod scenario;
mod support;
mod sweep;
