//! SLO windows and error budgets of one service.
//!
//! Windows are aligned to t = 0. An incident spends `ttm × impact` hours of budget in
//! the window where it was paged; a window closes once it has ended and all of its
//! incidents are mitigated (or at the horizon), and the recorder judges it.

use std::collections::VecDeque;

use crate::engine::calendar::{fast_floor, HOURS_PER_WEEK};

/// A window that can no longer change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosedWindow {
    /// Window start, hours.
    pub start: f64,
    /// Window end, hours.
    pub end: f64,
    /// Budget hours spent (downtime × impact).
    pub spent_hours: f64,
    /// Budget hours: (1 − target) × window length.
    pub budget_hours: f64,
}

/// The open SLO windows of one service.
#[derive(Debug, Clone)]
pub struct SloTracker {
    window_hours: f64,
    /// 1 / window_hours: the window index is a multiplication on the per-incident path.
    per_window: f64,
    budget_hours: f64,
    /// Index of the oldest open window.
    front: u64,
    spent: VecDeque<f64>,
    open: VecDeque<u32>,
}

impl SloTracker {
    /// Windows of `window_weeks` weeks for a target of `slo_target`.
    pub fn new(window_weeks: f64, slo_target: f64) -> Self {
        let window_hours = window_weeks * HOURS_PER_WEEK;
        SloTracker {
            window_hours,
            per_window: 1.0 / window_hours,
            budget_hours: (1.0 - slo_target) * window_hours,
            front: 0,
            spent: VecDeque::new(),
            open: VecDeque::new(),
        }
    }

    /// An incident paged at `t` keeps its window open until it is mitigated; returns the
    /// window, for [`SloTracker::spend`]. Never an already closed window, even if the
    /// product rounds down at a boundary.
    #[inline]
    pub fn incident_opened(&mut self, t: f64) -> u64 {
        let w = (fast_floor(t * self.per_window) as u64).max(self.front);
        let idx = (w - self.front) as usize;
        if idx >= self.spent.len() {
            self.spent.resize(idx + 1, 0.0);
            self.open.resize(idx + 1, 0);
        }
        self.open[idx] += 1;
        w
    }

    /// Books `hours` of budget to `window`, the window an incident was paged in (it
    /// stays open until the incident closes it); `closes` when the incident is
    /// mitigated.
    #[inline]
    pub fn spend(&mut self, window: u64, hours: f64, closes: bool) {
        let idx = (window - self.front) as usize;
        self.spent[idx] += hours;
        if closes {
            self.open[idx] -= 1;
        }
    }

    /// Closes the windows that ended by `t` and can no longer change (all their
    /// incidents mitigated), or all ended windows when `force`, handing each to `judge`.
    pub fn close_until(&mut self, t: f64, force: bool, mut judge: impl FnMut(ClosedWindow)) {
        loop {
            let start = self.front as f64 * self.window_hours;
            let end = start + self.window_hours;
            if end > t {
                break;
            }
            let open = self.open.front().copied().unwrap_or(0);
            if open > 0 && !force {
                break;
            }
            let spent = self.spent.pop_front().unwrap_or(0.0);
            self.open.pop_front();
            judge(ClosedWindow {
                start,
                end,
                spent_hours: spent,
                budget_hours: self.budget_hours,
            });
            self.front += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_waits_for_its_open_incidents() {
        let mut slo = SloTracker::new(1.0, 0.99);
        let w = slo.incident_opened(100.0);
        assert_eq!(w, 0);
        let mut closed = Vec::new();
        slo.close_until(200.0, false, |w| closed.push(w));
        assert!(closed.is_empty());
        slo.spend(w, 3.0, true);
        slo.close_until(200.0, false, |w| closed.push(w));
        assert_eq!(closed.len(), 1);
        assert_eq!(closed[0].spent_hours, 3.0);
        assert!((closed[0].budget_hours - 1.68).abs() < 1e-12);
        assert_eq!((closed[0].start, closed[0].end), (0.0, 168.0));
    }
}
