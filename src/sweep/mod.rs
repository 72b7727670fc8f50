//! Parallel runs.
