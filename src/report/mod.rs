//! Output: CSV files (one serde row struct per file), the run manifest, and the
//! headline table printed on the terminal.
//!
//! Every file is written to a temporary name beside its destination and renamed into
//! place only when complete, so a reader never sees a partial file under a final name.

pub mod charts;
pub mod sweep;
mod write;

pub use write::{
    headline_table, write_atomic, write_atomic_unsynced, write_csv, write_run, Manifest,
    ReportError,
};
