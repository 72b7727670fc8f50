//! Integration tests for sresim, in one test binary.

mod cli;
mod model;
mod queueing;
mod scenario;
mod support;
