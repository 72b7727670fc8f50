//! Generic discrete-event core.
