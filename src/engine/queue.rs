//! The event queue and the simulation clock.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

struct Scheduled<E> {
    time: f64,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    // Reversed so that the max-heap pops the earliest (time, seq) first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

/// A priority queue of events ordered by time, then by the order they were pushed, so
/// that events at the same time run in the order they were scheduled.
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    /// An empty queue.
    pub fn new() -> Self {
        Self {
            heap: BinaryHeap::new(),
            next_seq: 0,
        }
    }

    /// Adds an event at `time`.
    #[inline]
    pub fn push(&mut self, time: f64, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Scheduled { time, seq, event });
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(f64, E)> {
        self.heap.pop().map(|s| (s.time, s.event))
    }

    /// Time of the earliest event, if any.
    #[inline]
    pub fn peek_time(&self) -> Option<f64> {
        self.heap.peek().map(|s| s.time)
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

/// A clock plus an event queue. Time is a plain `f64` (the model uses hours since
/// Monday 00:00 UTC of week 0).
pub struct Simulation<E> {
    now: f64,
    queue: EventQueue<E>,
}

impl<E> Default for Simulation<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> Simulation<E> {
    /// A simulation at time 0 with no events.
    pub fn new() -> Self {
        Self {
            now: 0.0,
            queue: EventQueue::new(),
        }
    }

    /// The current time: the time of the last event returned.
    #[inline]
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Schedules `event` at absolute `time`.
    ///
    /// # Panics
    /// If `time` is before the current time or not a number: scheduling into the past
    /// is a bug in the caller, never a consequence of user input.
    #[inline]
    pub fn schedule(&mut self, time: f64, event: E) {
        assert!(
            time >= self.now,
            "event scheduled in the past: at t = {time} while the clock is at t = {}",
            self.now
        );
        self.queue.push(time, event);
    }

    /// Schedules `event` after `delay` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay: f64, event: E) {
        self.schedule(self.now + delay, event);
    }

    /// Pops the next event if it is at or before `horizon`, advancing the clock to it.
    /// Events after the horizon stay in the queue and `None` is returned.
    #[inline]
    pub fn next_until(&mut self, horizon: f64) -> Option<(f64, E)> {
        match self.queue.peek_time() {
            Some(t) if t <= horizon => {
                let (t, e) = self.queue.pop()?;
                self.now = t;
                Some((t, e))
            }
            _ => None,
        }
    }

    /// Number of pending events.
    pub fn pending(&self) -> usize {
        self.queue.len()
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
    fn pops_in_time_order_after_random_pushes() {
        let mut q = EventQueue::new();
        let mut x: u64 = 12345;
        for i in 0..1000u32 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            q.push((x >> 40) as f64, i);
        }
        let mut last = f64::NEG_INFINITY;
        while let Some((t, _)) = q.pop() {
            assert!(t >= last);
            last = t;
        }
    }
}
