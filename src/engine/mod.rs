//! Generic discrete-event core: an event queue ordered by (time, sequence number), a
//! clock, seeded random streams and calendar arithmetic.
//!
//! Nothing here knows about SRE. A domain defines its own closed event enum and drives
//! the loop; `schedule` returns an [`EventId`] that `cancel` drops, so a domain never
//! needs to recognise stale events by hand:
//!
//! ```
//! use sresim::engine::Simulation;
//! #[derive(Debug, Clone, Copy, PartialEq)]
//! enum Ev { Ping(u32) }
//! let mut sim = Simulation::new();
//! sim.schedule(2.0, Ev::Ping(2));
//! sim.schedule(1.0, Ev::Ping(1));
//! let stale = sim.schedule(1.5, Ev::Ping(0));
//! sim.cancel(stale);
//! let mut seen = vec![];
//! while let Some((t, ev)) = sim.next_until(10.0) {
//!     seen.push((t, ev));
//! }
//! assert_eq!(seen, vec![(1.0, Ev::Ping(1)), (2.0, Ev::Ping(2))]);
//! ```

pub mod calendar;
mod hash;
mod queue;
pub mod rng;

pub use hash::{fnv1a64, Fnv};
pub use queue::{EventId, EventQueue, Simulation};
pub use rng::{stream_rng, stream_seed, SimRng};
