//! AWS Backup schedules (`cron(Minutes Hours Day-of-month Month
//! Day-of-week Year)`, UTC) and RDS backup windows (`hh:mm-hh:mm`, UTC) as
//! a scenario's backup schedule: a daily time, or an interval with the
//! offset of the first start.

/// A backup schedule in the scenario's terms.
#[derive(Clone, Debug, PartialEq)]
pub enum Schedule {
    /// Every day at this time of day, `hh:mm` UTC.
    Daily(String),
    /// Every `every` hours, the first at `offset` hours into the trial.
    /// `note` says what was approximated (weekly and monthly schedules).
    Every {
        /// Interval, hours.
        every: f64,
        /// First start, hours.
        offset: f64,
        /// What the interval stands for, when it is an approximation.
        note: Option<String>,
    },
}

/// Reads an AWS Backup `cron(...)` expression.
pub fn cron(expr: &str) -> Result<Schedule, String> {
    let inner = expr
        .trim()
        .strip_prefix("cron(")
        .and_then(|s| s.strip_suffix(')'))
        .ok_or_else(|| format!("expected a schedule like \"cron(0 5 ? * * *)\" (got {expr:?})"))?;
    let f: Vec<&str> = inner.split_whitespace().collect();
    if f.len() != 6 {
        return Err(format!(
            "a cron expression has 6 fields: minutes hours day-of-month month day-of-week year (got {expr:?})"
        ));
    }
    let (min, hour, dom, month, dow) = (f[0], f[1], f[2], f[3], f[4]);
    let any = |s: &str| s == "*" || s == "?";
    let unsupported =
        || format!("nines reads daily, hourly, every-N-hours, weekly and monthly schedules (got {expr:?})");
    let minute: u32 = number(min, 59).ok_or_else(unsupported)?;
    if !any(month) {
        return Err(unsupported());
    }
    let hours = hour_set(hour).ok_or_else(unsupported)?;
    let at = |h: u32| format!("{h:02}:{minute:02}");
    match (any(dom), any(dow)) {
        (true, true) => {
            if hours.len() == 1 {
                return Ok(Schedule::Daily(at(hours[0])));
            }
            let step = hours[1] - hours[0];
            let even = hours.windows(2).all(|w| w[1] - w[0] == step) && hours[0] + 24 - hours[hours.len() - 1] == step;
            if !even {
                return Err(unsupported());
            }
            Ok(Schedule::Every {
                every: f64::from(step),
                offset: f64::from(hours[0]) + f64::from(minute) / 60.0,
                note: None,
            })
        }
        (true, false) if hours.len() == 1 => {
            let day = weekday(dow).ok_or_else(unsupported)?;
            Ok(Schedule::Every {
                every: 7.0 * 24.0,
                offset: f64::from(hours[0]) + f64::from(minute) / 60.0,
                note: Some(format!(
                    "weekly on {day} at {} UTC; the trial's first day is taken as that weekday",
                    at(hours[0])
                )),
            })
        }
        (false, true) if hours.len() == 1 => {
            let day: u32 = number(dom, 31).filter(|&d| d >= 1).ok_or_else(unsupported)?;
            Ok(Schedule::Every {
                every: 730.0,
                offset: f64::from(hours[0]) + f64::from(minute) / 60.0,
                note: Some(format!(
                    "monthly on day {day} at {} UTC, as every 730 h (a mean month); the trial starts on that day",
                    at(hours[0])
                )),
            })
        }
        _ => Err(unsupported()),
    }
}

/// The start of an RDS backup window `hh:mm-hh:mm`.
pub fn window_start(window: &str) -> Result<String, String> {
    let bad = || format!("expected a backup window like \"03:00-04:00\" (got {window:?})");
    let (start, _) = window.trim().split_once('-').ok_or_else(bad)?;
    let (h, m) = start.split_once(':').ok_or_else(bad)?;
    let h = number(h, 23).ok_or_else(bad)?;
    let m = number(m, 59).ok_or_else(bad)?;
    Ok(format!("{h:02}:{m:02}"))
}

fn number(s: &str, max: u32) -> Option<u32> {
    s.parse::<u32>().ok().filter(|&n| n <= max)
}

/// Hours a cron hours field fires at, sorted: `5`, `*`, `*/6`, `1/6`, `5,17`.
fn hour_set(field: &str) -> Option<Vec<u32>> {
    if field == "*" {
        return Some((0..24).collect());
    }
    if let Some((start, step)) = field.split_once('/') {
        let start = if start == "*" { 0 } else { number(start, 23)? };
        let step = number(step, 24).filter(|&s| s > 0)?;
        return Some((start..24).step_by(step as usize).collect());
    }
    let mut hours: Vec<u32> = field.split(',').map(|h| number(h, 23)).collect::<Option<_>>()?;
    hours.sort_unstable();
    hours.dedup();
    Some(hours)
}

fn weekday(field: &str) -> Option<&'static str> {
    const NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    let upper = field.to_ascii_uppercase();
    if let Some(i) = NAMES.iter().position(|n| *n == upper) {
        return Some(NAMES[i]);
    }
    // AWS cron numbers days 1-7 from Sunday.
    number(field, 7).filter(|&d| d >= 1).map(|d| NAMES[d as usize - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedules() {
        assert_eq!(cron("cron(0 5 ? * * *)"), Ok(Schedule::Daily("05:00".into())));
        assert_eq!(cron("cron(30 2 * * ? *)"), Ok(Schedule::Daily("02:30".into())));
        assert_eq!(cron("cron(15 * ? * * *)"), Ok(Schedule::Every { every: 1.0, offset: 0.25, note: None }));
        assert_eq!(cron("cron(0 0/12 * * ? *)"), Ok(Schedule::Every { every: 12.0, offset: 0.0, note: None }));
        assert_eq!(cron("cron(0 5,17 * * ? *)"), Ok(Schedule::Every { every: 12.0, offset: 5.0, note: None }));
        assert!(matches!(cron("cron(0 5 ? * SUN *)"), Ok(Schedule::Every { every, .. }) if every == 168.0));
        assert!(matches!(cron("cron(0 5 1 * ? *)"), Ok(Schedule::Every { every, .. }) if every == 730.0));
        assert!(cron("cron(0 5,9 * * ? *)").is_err(), "uneven hours");
        assert!(cron("rate(1 day)").is_err());
        assert!(cron("cron(0 5 * *)").is_err());
        assert!(cron("cron(0 5 ? 1 * *)").is_err(), "one month a year");
    }

    #[test]
    fn windows() {
        assert_eq!(window_start("03:00-04:00").as_deref(), Ok("03:00"));
        assert_eq!(window_start("23:30-00:00").as_deref(), Ok("23:30"));
        assert!(window_start("3am").is_err());
    }
}
