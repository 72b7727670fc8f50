//! The hours of an engineer's day the model tells apart: working time (for off-hours
//! pages and acknowledge delays), the working day (for capacity) and daytime (for which
//! site covers a shift). One home, read by on-call, arrivals and the recorder.

use crate::engine::calendar::DailyWindow;

/// An engineer's working time: weekdays 07:00–22:00 local. Everything else (nights
/// 22:00–07:00 and weekends) is off-hours. It selects the acknowledge delay and what
/// counts as an off-hours page; it also shapes services' load profiles.
pub const WORKING_TIME: DailyWindow = DailyWindow {
    from_hour: 7.0,
    to_hour: 22.0,
    weekdays_only: true,
};

/// An engineer's working day for capacity: weekdays 09:00–17:00 local (the 40-hour
/// week). A primary's on-call hours inside it are written off for project work.
pub const WORKING_DAY: DailyWindow = DailyWindow {
    from_hour: 9.0,
    to_hour: 17.0,
    weekdays_only: true,
};

/// The local daytime used to pick which site covers a shift: 07:00–19:00, every day.
pub const DAYTIME: DailyWindow = DailyWindow {
    from_hour: 7.0,
    to_hour: 19.0,
    weekdays_only: false,
};
