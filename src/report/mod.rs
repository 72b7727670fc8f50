//! Output: CSV files (one serde row struct per file), the manifest, and the tables
//! printed on the terminal.
//!
//! Every file is written to a temporary name beside its destination and renamed into
//! place only when complete, so a reader never sees a partial file under a final name.

pub mod charts;
pub mod files;
pub mod format;
pub mod html;
mod manifest;
pub mod outdir;
pub mod sweep;
pub mod terminal;
pub mod verify;
mod write;

pub use manifest::{
    is_sresim_manifest, CompareManifest, Manifest, SweepManifest, VariantOrigin, GENERATOR,
};
pub use outdir::{file_checksum, foreign_entries, resolve, Claim, OutputDir, PARTIAL};
pub use terminal::headline_table;
pub use write::{write_atomic, write_atomic_unsynced, write_csv, write_run, ReportError};
