//! The event queue and the simulation clock.

use std::collections::HashSet;

/// The identity of a scheduled event, returned by [`Simulation::schedule`] and accepted
/// by [`Simulation::cancel`]. Ids are never reused within one simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(u64);

/// The time's bits mapped so that unsigned order is `f64::total_cmp` order.
#[inline]
fn ordered_bits(time: f64) -> u64 {
    let bits = time.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// The time whose [`ordered_bits`] are `ordered`.
#[inline]
fn time_of(ordered: u64) -> f64 {
    f64::from_bits(if ordered >> 63 == 1 {
        ordered & !(1 << 63)
    } else {
        !ordered
    })
}

/// An event with its sort key: the time's ordered bits, then the sequence number. Two
/// words rather than one `u128`, so that an entry packs into 24 bytes and sifting moves
/// less memory.
#[derive(Clone, Copy)]
struct Entry<E> {
    time: u64,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

/// A priority queue of events ordered by time, then by the order they were pushed, so
/// that events at the same time run in the order they were scheduled. Events are
/// small `Copy` values (a domain's closed enum of facts).
///
/// A binary min-heap over one combined integer key; pushing and popping never
/// allocate once the heap has grown to its working size.
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            heap: Vec::new(),
            next_seq: 0,
        }
    }

    /// Adds an event at `time` and returns its id (its sequence number).
    #[inline]
    pub fn push(&mut self, time: f64, event: E) -> EventId {
        let seq = self.next_seq;
        self.next_seq += 1;
        let entry = Entry {
            time: ordered_bits(time),
            seq,
            event,
        };
        let k = entry.key();
        // Sift up with a hole: parents move down, the new entry is written once.
        let mut i = self.heap.len();
        self.heap.push(entry);
        while i > 0 {
            let parent = (i - 1) / 2;
            if self.heap[parent].key() <= k {
                break;
            }
            self.heap[i] = self.heap[parent];
            i = parent;
        }
        self.heap[i] = entry;
        EventId(seq)
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.pop_entry().map(|(t, _, e)| (t, e))
    }

    /// Removes the earliest event, returning its time, id and payload.
    #[inline]
    fn pop_entry(&mut self) -> Option<(f64, EventId, E)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some((time_of(last.time), EventId(last.seq), last.event));
        };
        // Sift the last entry down from the root with a hole.
        let n = self.heap.len();
        let last_key = last.key();
        let mut i = 0;
        loop {
            let left = 2 * i + 1;
            if left >= n {
                break;
            }
            let right = left + 1;
            let child = if right < n && self.heap[right].key() < self.heap[left].key() {
                right
            } else {
                left
            };
            if self.heap[child].key() >= last_key {
                break;
            }
            self.heap[i] = self.heap[child];
            i = child;
        }
        self.heap[i] = last;
        Some((time_of(top.time), EventId(top.seq), top.event))
    }

    /// Time of the earliest event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.first().map(|e| time_of(e.time))
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

/// The panic of [`Simulation::schedule`], out of the hot path.
#[cold]
#[inline(never)]
fn scheduled_in_the_past(time: f64, now: f64) -> ! {
    panic!("event scheduled in the past: at t = {time} while the clock is at t = {now}")
}

/// A clock plus an event queue. Time is a plain `f64` (the model uses hours since
/// Monday 00:00 UTC of week 0).
///
/// Events can be cancelled: a cancelled event stays in the heap and is dropped when it
/// comes up, so cancelling costs one hash-set insert and the set only ever holds events
/// that are still pending.
pub struct Simulation<E> {
    now: f64,
    queue: EventQueue<E>,
    cancelled: HashSet<EventId>,
}

impl<E: Copy> Default for Simulation<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: Copy> Simulation<E> {
    /// A simulation at time 0 with no events.
    pub fn new() -> Self {
        Self {
            now: 0.0,
            queue: EventQueue::new(),
            cancelled: HashSet::new(),
        }
    }

    /// The current time: the time of the last event returned.
    #[inline]
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at absolute `time` and returns its id, for [`Simulation::cancel`].
    ///
    /// # Panics
    /// If `time` is before the current time or not a number: scheduling into the past
    /// is a bug in the caller, never a consequence of user input.
    #[inline]
    pub fn schedule(&mut self, time: f64, event: E) -> EventId {
        // NaN compares as "not at or after now" too.
        if time.partial_cmp(&self.now).is_none_or(|o| o.is_lt()) {
            scheduled_in_the_past(time, self.now);
        }
        self.queue.push(time, event)
    }

    /// Schedules `event` after `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: f64, event: E) -> EventId {
        self.schedule(self.now + delay, event)
    }

    /// Cancels a pending event: it will not be returned. Cancelling an event that has
    /// already run is a bug in the caller (the id would stay in the cancelled set).
    #[inline]
    pub fn cancel(&mut self, id: EventId) {
        self.cancelled.insert(id);
    }

    /// Pops the next event that is not cancelled if it is at or before `horizon`,
    /// advancing the clock to it. Events after the horizon stay in the queue and `None`
    /// is returned.
    #[inline]
    pub fn next_until(&mut self, horizon: f64) -> Option<(f64, E)> {
        loop {
            match self.queue.peek_time() {
                Some(t) if t <= horizon => {
                    let (t, id, e) = self.queue.pop_entry()?;
                    if !self.cancelled.is_empty() && self.cancelled.remove(&id) {
                        continue;
                    }
                    self.now = t;
                    return Some((t, e));
                }
                _ => return None,
            }
        }
    }

    /// Number of pending events, cancelled ones included until they come up.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Drops every pending event, so the loop draining the queue ends at once (a run
    /// stopped early).
    pub fn clear(&mut self) {
        self.queue = EventQueue::new();
        self.cancelled.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_run_in_schedule_order() {
        let mut sim = Simulation::new();
        for i in 0..100u32 {
            sim.schedule(5.0, i);
        }
        sim.schedule(1.0, 1000);
        let order: Vec<u32> = std::iter::from_fn(|| sim.next_until(10.0).map(|(_, e)| e)).collect();
        assert_eq!(order[0], 1000);
        assert_eq!(&order[1..], (0..100).collect::<Vec<_>>().as_slice());
    }

    #[test]
    fn events_at_the_horizon_run_and_later_ones_wait() {
        let mut sim = Simulation::new();
        sim.schedule(10.0, 'a');
        sim.schedule(10.000001, 'b');
        assert_eq!(sim.next_until(10.0), Some((10.0, 'a')));
        assert_eq!(sim.next_until(10.0), None);
        assert_eq!(sim.pending(), 1);
        assert_eq!(sim.now(), 10.0);
    }

    #[test]
    #[should_panic(expected = "event scheduled in the past")]
    fn scheduling_into_the_past_panics() {
        let mut sim = Simulation::new();
        sim.schedule(3.0, ());
        sim.next_until(5.0);
        sim.schedule(2.0, ());
    }

    #[test]
    #[should_panic(expected = "event scheduled in the past")]
    fn scheduling_at_nan_panics() {
        let mut sim: Simulation<()> = Simulation::new();
        sim.schedule(f64::NAN, ());
    }

    #[test]
    fn cancelled_events_are_dropped_and_ids_are_distinct() {
        let mut sim = Simulation::new();
        let a = sim.schedule(1.0, 'a');
        let b = sim.schedule(1.0, 'b');
        let c = sim.schedule(2.0, 'c');
        let late = sim.schedule(20.0, 'z');
        assert!(a != b && b != c);
        sim.cancel(b);
        sim.cancel(late);
        let seen: Vec<char> = std::iter::from_fn(|| sim.next_until(10.0).map(|(_, e)| e)).collect();
        assert_eq!(seen, vec!['a', 'c']);
        // A cancelled event beyond the horizon is dropped when it comes up later.
        sim.schedule(30.0, 'y');
        assert_eq!(sim.next_until(100.0), Some((30.0, 'y')));
        assert!(sim.cancelled.is_empty());
    }

    #[test]
    fn a_cancelled_event_at_the_front_does_not_hide_the_horizon() {
        let mut sim = Simulation::new();
        let first = sim.schedule(1.0, 1);
        sim.schedule(11.0, 2);
        sim.cancel(first);
        assert_eq!(sim.next_until(10.0), None);
        assert_eq!(sim.now(), 0.0);
        assert_eq!(sim.next_until(11.0), Some((11.0, 2)));
    }

    #[test]
    fn negative_and_positive_times_order_correctly() {
        let mut q = EventQueue::new();
        for (i, t) in [3.0, -2.0, 0.0, -0.5, 1e300, -1e300, 0.25]
            .into_iter()
            .enumerate()
        {
            q.push(t, i);
        }
        let times: Vec<f64> = std::iter::from_fn(|| q.pop().map(|(t, _)| t)).collect();
        assert_eq!(times, vec![-1e300, -2.0, -0.5, 0.0, 0.25, 3.0, 1e300]);
    }

    #[test]
    fn pops_in_time_order_after_random_pushes() {
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        for i in 0..1000u32 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            q.push((x >> 40) as f64, i);
        }
        let mut last = (f64::NEG_INFINITY, 0);
        let mut n = 0;
        while let Some((t, i)) = q.pop() {
            assert!(
                t > last.0 || (t == last.0 && i > last.1),
                "{t} {i} after {last:?}"
            );
            last = (t, i);
            n += 1;
        }
        assert_eq!(n, 1000);
    }
}
