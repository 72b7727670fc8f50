//! Integration tests for sresim, in one test binary.

mod charts;
mod cli;
mod model;
mod queueing;
mod scenario;
mod support;
mod sweep;
