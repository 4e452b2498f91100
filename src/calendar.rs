//! Weekly calendars: a crew's working hours and maintenance windows, and
//! where in the week a trial starts.
//!
//! Time inside nines is hours from the start of the trial. A calendar is a
//! set of open intervals of the week (hours from Monday 00:00, local time)
//! and the local week-hour at t = 0, so the engine asks "is it open at t?"
//! and "when does it next open?" without dates. t = 0 is a Monday 00:00
//! unless `simulation.start` says otherwise; a calendar in another time zone
//! (`time_zone = "-05:00"`) is shifted by the difference. Offsets are fixed:
//! there is no daylight-saving time.

/// Hours in a week.
pub const WEEK: f64 = 168.0;

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Open intervals of the week, and where t = 0 falls in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Calendar {
    /// Open intervals, hours from Monday 00:00 local, sorted, disjoint and
    /// within [0, 168] (one crossing Sunday midnight is split in two).
    open: Vec<(f64, f64)>,
    /// Local week-hour at t = 0.
    origin: f64,
    /// The text it was read from, for `nines check`.
    text: String,
}

impl Calendar {
    /// Reads `text` ("weekdays 09:00-17:00", "sun 02:00-06:00", "daily
    /// 22:00-02:00", "sat 22:00-sun 04:00", several separated by `;`), with
    /// t = 0 at local week-hour `origin`.
    pub fn parse(text: &str, origin: f64) -> Result<Self, String> {
        let mut open = Vec::new();
        for item in text.split(';') {
            let item = item.trim();
            if item.is_empty() {
                return Err(format!("{HINT} (got {text:?})"));
            }
            for (from, to) in interval(item).ok_or_else(|| format!("{HINT} (got {text:?})"))? {
                push_wrapped(&mut open, from, to);
            }
        }
        open.sort_by(|a: &(f64, f64), b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::new();
        for (a, b) in open {
            match merged.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        if merged.is_empty() {
            return Err(format!("{HINT} (got {text:?})"));
        }
        Ok(Calendar { open: merged, origin: origin.rem_euclid(WEEK), text: text.trim().to_owned() })
    }

    /// The text it was read from.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Open hours per week.
    pub fn open_hours(&self) -> f64 {
        self.open.iter().map(|(a, b)| b - a).sum()
    }

    /// Whether it is open at trial time `t`.
    pub fn is_open(&self, t: f64) -> bool {
        let w = (t + self.origin).rem_euclid(WEEK);
        self.open.iter().any(|&(a, b)| a <= w && w < b)
    }

    /// `t` if open then, else the trial time at which it next opens.
    pub fn next_open(&self, t: f64) -> f64 {
        let w = (t + self.origin).rem_euclid(WEEK);
        if self.open.iter().any(|&(a, b)| a <= w && w < b) {
            return t;
        }
        let next = self.open.iter().map(|&(a, _)| a).find(|&a| a > w).unwrap_or(self.open[0].0 + WEEK);
        t + (next - w)
    }
}

const HINT: &str = "expected hours like \"weekdays 09:00-17:00\", \"daily 02:00-05:00\", \"sun 02:00-06:00\" or \"sat 22:00-sun 04:00\" (several separated by `;`)";

/// Adds `[from, to)` (week-hours, `to` possibly past the week's end) split
/// at Sunday midnight.
fn push_wrapped(open: &mut Vec<(f64, f64)>, from: f64, to: f64) {
    let from = from.rem_euclid(WEEK);
    let to = from + (to - from).max(0.0);
    if to <= WEEK {
        open.push((from, to));
    } else {
        open.push((from, WEEK));
        open.push((0.0, to - WEEK));
    }
}

/// The week-hour intervals of one item: "DAYS HH:MM-HH:MM" (DAYS: daily,
/// weekdays, weekends, a day, a range "mon-fri" or a list "mon,wed"), or
/// "DAY HH:MM-DAY HH:MM", or "always".
fn interval(item: &str) -> Option<Vec<(f64, f64)>> {
    if item.eq_ignore_ascii_case("always") || item == "24/7" {
        return Some(vec![(0.0, WEEK)]);
    }
    let lower = item.to_ascii_lowercase();
    // "sat 22:00-sun 04:00": a day on both sides.
    let sides = lower.split_once('-').and_then(|(left, right)| {
        let (l_day, l_time) = left.trim().split_once(' ')?;
        let (r_day, r_time) = right.trim().split_once(' ')?;
        day(r_day.trim()).map(|_| (l_day, l_time, r_day, r_time))
    });
    if let Some((l_day, l_time, r_day, r_time)) = sides {
        let (d1, d2) = (day(l_day.trim())?, day(r_day.trim())?);
        let (t1, t2) = (time(l_time.trim())?, time(r_time.trim())?);
        let from = d1 as f64 * 24.0 + t1;
        let mut to = d2 as f64 * 24.0 + t2;
        if to <= from {
            to += WEEK;
        }
        return Some(vec![(from, to)]);
    }
    let (days_text, times) = lower.split_once(' ')?;
    let (a, b) = times.trim().split_once('-')?;
    let (t1, t2) = (time(a.trim())?, time(b.trim())?);
    let length = if t2 > t1 { t2 - t1 } else { t2 + 24.0 - t1 };
    if length <= 0.0 {
        return None;
    }
    let days = days_of(days_text.trim())?;
    Some(days.into_iter().map(|d| (d as f64 * 24.0 + t1, d as f64 * 24.0 + t1 + length)).collect())
}

fn days_of(text: &str) -> Option<Vec<usize>> {
    match text {
        "daily" | "every day" => return Some((0..7).collect()),
        "weekdays" => return Some((0..5).collect()),
        "weekends" => return Some(vec![5, 6]),
        _ => {}
    }
    let mut out = Vec::new();
    for part in text.split(',') {
        match part.trim().split_once('-') {
            Some((a, b)) => {
                let (a, b) = (day(a.trim())?, day(b.trim())?);
                let mut d = a;
                loop {
                    out.push(d);
                    if d == b {
                        break;
                    }
                    d = (d + 1) % 7;
                }
            }
            None => out.push(day(part.trim())?),
        }
    }
    Some(out)
}

fn day(text: &str) -> Option<usize> {
    let t = text.get(..3)?;
    DAYS.iter().position(|d| *d == t).filter(|_| {
        // Accept "mon", "monday", "tues" … but not "monkey".
        let full = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
        full.iter().any(|f| f.starts_with(text))
    })
}

/// "HH:MM" (00:00 to 24:00) as hours.
fn time(text: &str) -> Option<f64> {
    let (h, m) = text.split_once(':')?;
    let ok = |x: &str| (1..=2).contains(&x.len()) && x.bytes().all(|b| b.is_ascii_digit());
    if !ok(h) || m.len() != 2 || !ok(m) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then(|| f64::from(h) + f64::from(m) / 60.0)
}

/// A fixed UTC offset ("+01:00", "-05:30", "UTC", "Z") in hours.
pub fn parse_offset(text: &str) -> Result<f64, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("utc") || t == "Z" {
        return Ok(0.0);
    }
    let bad = || format!("expected a UTC offset like \"+01:00\", \"-05:00\" or \"UTC\" (got {text:?})");
    let t = t.strip_prefix("UTC").unwrap_or(t);
    let (sign, rest) = match t.chars().next() {
        Some('+') => (1.0, &t[1..]),
        Some('-') | Some('−') => (-1.0, &t[t.char_indices().nth(1).map_or(t.len(), |(i, _)| i)..]),
        _ => return Err(bad()),
    };
    let hours = time(rest).filter(|&h| h <= 14.0).ok_or_else(bad)?;
    Ok(sign * hours)
}

/// The local week-hour (from Monday 00:00) of "YYYY-MM-DD HH:MM" (or with
/// a `T`), or of a date alone at midnight.
pub fn parse_start(text: &str) -> Result<f64, String> {
    let bad = || format!("expected a date and time like \"2026-03-02 08:00\" (got {text:?})");
    let t = text.trim();
    let (date, clock) = match t.split_once([' ', 'T']) {
        Some((d, c)) => (d, Some(c.trim())),
        None => (t, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [y, m, d] = parts.as_slice() else { return Err(bad()) };
    let digits = |x: &str, n: usize| x.len() == n && x.bytes().all(|b| b.is_ascii_digit());
    if !(digits(y, 4) && digits(m, 2) && digits(d, 2)) {
        return Err(bad());
    }
    let (y, m, d): (i64, u32, u32) =
        (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&m) || d == 0 || d > month_days[m as usize - 1] {
        return Err(bad());
    }
    let hour = match clock {
        None => 0.0,
        Some(c) => time(c).filter(|&h| h < 24.0).ok_or_else(bad)?,
    };
    // Days since 1970-01-01 (a Thursday), by Howard Hinnant's algorithm.
    let (yy, mm) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * i64::from(mm) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let weekday = (days + 3).rem_euclid(7); // 0 = Monday
    Ok(weekday as f64 * 24.0 + hour)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays_nine_to_five() {
        let c = Calendar::parse("weekdays 09:00-17:00", 0.0).unwrap();
        assert_eq!(c.open_hours(), 40.0);
        assert!(!c.is_open(8.99));
        assert!(c.is_open(9.0));
        assert!(!c.is_open(17.0));
        assert_eq!(c.next_open(17.0), 24.0 + 9.0);
        // Friday 17:00 → Monday 09:00.
        assert_eq!(c.next_open(4.0 * 24.0 + 17.0), WEEK + 9.0);
        assert_eq!(c.next_open(10.0), 10.0);
    }

    #[test]
    fn windows_across_midnight_and_the_week() {
        let c = Calendar::parse("sat 22:00-sun 04:00", 0.0).unwrap();
        assert!(c.is_open(5.0 * 24.0 + 23.0));
        assert!(c.is_open(6.0 * 24.0 + 3.0));
        let d = Calendar::parse("sun 22:00-mon 02:00", 0.0).unwrap();
        assert!(d.is_open(1.0) && d.is_open(WEEK - 1.0) && !d.is_open(3.0));
        let e = Calendar::parse("daily 22:00-02:00", 0.0).unwrap();
        assert_eq!(e.open_hours(), 28.0);
        assert!(e.is_open(1.0) && e.is_open(23.0) && !e.is_open(12.0));
        assert!(Calendar::parse("weekdays 9-17", 0.0).is_err());
        assert!(Calendar::parse("monkey 09:00-10:00", 0.0).is_err());
        assert_eq!(Calendar::parse("mon-wed 09:00-10:00; fri 09:00-10:00", 0.0).unwrap().open_hours(), 4.0);
    }

    #[test]
    fn start_dates_and_offsets() {
        // 2026-03-02 is a Monday; 1970-01-01 a Thursday.
        assert_eq!(parse_start("2026-03-02").unwrap(), 0.0);
        assert_eq!(parse_start("2026-03-04 08:30").unwrap(), 2.0 * 24.0 + 8.5);
        assert_eq!(parse_start("1970-01-01T00:00").unwrap(), 3.0 * 24.0);
        assert_eq!(parse_start("2024-02-29").unwrap(), 3.0 * 24.0);
        assert!(parse_start("2023-02-29").is_err());
        assert_eq!(parse_offset("+05:30").unwrap(), 5.5);
        assert_eq!(parse_offset("-05:00").unwrap(), -5.0);
        assert_eq!(parse_offset("UTC").unwrap(), 0.0);
        assert!(parse_offset("+25:00").is_err());
        // Origin: a trial starting Wednesday 08:30 is open at once.
        let c = Calendar::parse("weekdays 09:00-17:00", parse_start("2026-03-04 08:30").unwrap()).unwrap();
        assert_eq!(c.next_open(0.0), 0.5);
    }
}
