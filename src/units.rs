//! Human units in scenario files: durations (`"90s"`, `"2.5d"`, `"1y"`),
//! rates (`"0.2/y"`, `"3/month"`) and percentages (`"99.95%"`).
//!
//! Time inside nines is always a count of hours (`f64`). A year is 8760 h
//! (365 days), the convention behind "99.5% ≈ 43.8 h of downtime a year";
//! a month is a twelfth of that (730 h).

/// Hours in one year (365 days): the unit of every "per year" figure.
pub const HOURS_PER_YEAR: f64 = 8760.0;
/// Hours in one month (a twelfth of a year).
pub const HOURS_PER_MONTH: f64 = HOURS_PER_YEAR / 12.0;

/// Hours per unit of each accepted duration suffix.
const DURATION_UNITS: &[(&str, f64)] = &[
    ("ms", 1.0 / 3_600_000.0),
    ("s", 1.0 / 3600.0),
    ("sec", 1.0 / 3600.0),
    ("m", 1.0 / 60.0),
    ("min", 1.0 / 60.0),
    ("h", 1.0),
    ("hr", 1.0),
    ("d", 24.0),
    ("day", 24.0),
    ("days", 24.0),
    ("w", 168.0),
    ("week", 168.0),
    ("weeks", 168.0),
    ("mo", HOURS_PER_MONTH),
    ("month", HOURS_PER_MONTH),
    ("months", HOURS_PER_MONTH),
    ("y", HOURS_PER_YEAR),
    ("yr", HOURS_PER_YEAR),
    ("year", HOURS_PER_YEAR),
    ("years", HOURS_PER_YEAR),
];

/// The accepted duration suffixes, for error messages.
pub const DURATION_HINT: &str =
    "a duration like \"90s\", \"15m\", \"4h\", \"2.5d\", \"2w\" or \"1y\" (units: ms s m h d w mo y)";

/// Splits `"2.5d"` into the number and its suffix, or says why it cannot.
fn split_number(text: &str) -> Option<(f64, &str)> {
    let t = text.trim();
    // No unit starts with "e", so an exponent ("1e3h") needs no special case.
    let end = t.find(|c: char| !(c.is_ascii_digit() || "+-._eE".contains(c))).unwrap_or(t.len());
    let number: f64 = t[..end].replace('_', "").parse().ok()?;
    Some((number, t[end..].trim()))
}

/// Parses a duration into hours. Zero and negative values parse; callers
/// decide whether they are allowed, so the message can name the rule.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    // One part ("4h"), or several that add up ("4h17m", "1d 6h"): only the
    // first may carry a sign, and then there is only one.
    let mut rest = text.trim();
    let mut hours = 0.0;
    loop {
        let (number, tail) = split_number(rest).ok_or_else(|| format!("expected {DURATION_HINT} (got {text:?})"))?;
        if tail.is_empty() {
            return Err(format!("{text:?} has no unit: expected {DURATION_HINT}"));
        }
        let letters = tail.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(tail.len());
        let (unit, after) = tail.split_at(letters);
        let after = after.trim_start();
        let compound_ok = after.starts_with(|c: char| c.is_ascii_digit()) && !text.trim_start().starts_with('-');
        if !after.is_empty() && !compound_ok {
            return Err(format!("unknown time unit {tail:?} in {text:?}: expected {DURATION_HINT}"));
        }
        let factor = DURATION_UNITS
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(unit))
            .map(|&(_, f)| f)
            .ok_or_else(|| format!("unknown time unit {unit:?} in {text:?}: expected {DURATION_HINT}"))?;
        if !number.is_finite() {
            return Err(format!("expected a finite number in {text:?}"));
        }
        hours += number * factor;
        if after.is_empty() {
            return Ok(hours);
        }
        rest = after;
    }
}

/// Parses a rate (`"0.2/y"`, `"3/month"`, `"1/1000h"`) into events per hour.
pub fn parse_rate(text: &str) -> Result<f64, String> {
    let hint = "a rate like \"0.2/y\", \"3/month\" or \"1/1000h\"";
    let (count, per) = text.split_once('/').ok_or_else(|| format!("expected {hint} (got {text:?})"))?;
    let (n, rest) = split_number(count).ok_or_else(|| format!("expected {hint} (got {text:?})"))?;
    if !rest.is_empty() || !n.is_finite() {
        return Err(format!("expected {hint} (got {text:?})"));
    }
    Ok(n / parse_period(per, text)?)
}

/// The period after the slash of a rate, in hours: `"y"` (the number may be
/// left out: "per one year"), `"1000h"`, `"month"`. Must be positive.
fn parse_period(per: &str, text: &str) -> Result<f64, String> {
    let per = per.trim();
    let period = if per.starts_with(|c: char| c.is_ascii_digit() || ".+-".contains(c)) {
        parse_duration(per)?
    } else {
        parse_duration(&format!("1{per}"))?
    };
    if period <= 0.0 {
        return Err(format!("the period of {text:?} must be positive"));
    }
    Ok(period)
}

/// Parses `"99.95%"` into a fraction (0.9995).
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let hint = "a percentage like \"99.95%\"";
    let body = text.trim().strip_suffix('%').ok_or_else(|| format!("expected {hint} (got {text:?})"))?;
    let (n, rest) = split_number(body).ok_or_else(|| format!("expected {hint} (got {text:?})"))?;
    if !rest.is_empty() || !n.is_finite() {
        return Err(format!("expected {hint} (got {text:?})"));
    }
    Ok(n / 100.0)
}

/// Parses a size (`"5TB"`, `"500 GB"`, `"2TiB"`) into bytes. Decimal units
/// are powers of 1000 (as storage is sold), binary ones (KiB…) of 1024.
pub fn parse_bytes(text: &str) -> Result<f64, String> {
    text.trim()
        .parse::<bytesize::ByteSize>()
        .map(|b| b.as_u64() as f64)
        .map_err(|_| format!("expected a size like \"5TB\", \"500GB\" or \"2TiB\" (got {text:?})"))
}

/// Parses a data rate (`"2GB/h"`, `"500 MB/s"`) into bytes per hour.
pub fn parse_throughput(text: &str) -> Result<f64, String> {
    let hint = "a data rate like \"2GB/h\" or \"100MB/s\"";
    let (size, per) = text.split_once('/').ok_or_else(|| format!("expected {hint} (got {text:?})"))?;
    let bytes = parse_bytes(size).map_err(|_| format!("expected {hint} (got {text:?})"))?;
    Ok(bytes / parse_period(per, text)?)
}

/// Formats bytes with a decimal unit ("5 TB").
pub fn format_bytes(bytes: f64) -> String {
    const UNITS: [&str; 6] = ["B", "KB", "MB", "GB", "TB", "PB"];
    let mut v = bytes;
    let mut i = 0;
    while v >= 1000.0 && i < UNITS.len() - 1 {
        v /= 1000.0;
        i += 1;
    }
    let text = format!("{v:.2}");
    format!("{} {}", text.trim_end_matches('0').trim_end_matches('.'), UNITS[i])
}

/// Formats hours back the way a person writes them: the largest unit in
/// which the value has at most two decimals (`50h`, not `2.08d`; `4.3mo`;
/// `90s`), else three significant digits; below a millisecond in hours with
/// an exponent (`1e-9h`, never `0s`).
pub fn format_duration(hours: f64) -> String {
    const UNITS: [(f64, &str); 7] = [
        (HOURS_PER_YEAR, "y"),
        (HOURS_PER_MONTH, "mo"),
        (24.0, "d"),
        (1.0, "h"),
        (1.0 / 60.0, "m"),
        (1.0 / 3600.0, "s"),
        (1.0 / 3_600_000.0, "ms"),
    ];
    if hours == 0.0 || !hours.is_finite() {
        return if hours == 0.0 { "0s".to_owned() } else { format!("{hours}h") };
    }
    let trim = |v: f64| {
        let text = format!("{v:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    // The largest unit in which it is a number of at most two decimals, as
    // a person would have written it ("50h", "4.3mo", "90s").
    for (unit, name) in UNITS {
        let v = hours / unit;
        if (1.0..10_000.0).contains(&v) && ((v * 100.0).round() / 100.0 - v).abs() <= 1e-9 * v {
            return format!("{}{name}", trim(v));
        }
    }
    // Below a millisecond: in hours, with an exponent, never "0s".
    if hours.abs() < 1.0 / 3_600_000.0 {
        return format!("{hours:e}h");
    }
    // Otherwise three significant digits in a readable unit.
    let (value, unit) = if hours >= HOURS_PER_YEAR {
        (hours / HOURS_PER_YEAR, "y")
    } else if hours >= 48.0 {
        (hours / 24.0, "d")
    } else if hours >= 1.0 {
        (hours, "h")
    } else if hours >= 1.0 / 60.0 {
        (hours * 60.0, "m")
    } else {
        (hours * 3600.0, "s")
    };
    let decimals = (2 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') { text.trim_end_matches('0').trim_end_matches('.').to_owned() } else { text };
    format!("{text}{unit}")
}

/// Formats `x` with `sig` significant digits, without exponent for the
/// ranges a workshop meets.
pub fn sig(x: f64, sig: usize) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if !x.is_finite() {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    if !(-5..=8).contains(&mag) {
        return format!("{:.*e}", sig.saturating_sub(1), x);
    }
    let decimals = (sig as i32 - 1 - mag).max(0) as usize;
    format!("{x:.decimals$}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn durations_print_as_written() {
        for text in ["50h", "4.3mo", "90s", "1y", "30d", "2000h", "1.5d", "10y", "250ms", "15m"] {
            let hours = parse_duration(text).unwrap();
            let shown = format_duration(hours);
            assert_eq!(parse_duration(&shown).unwrap(), hours, "{text} → {shown}");
        }
        assert_eq!(format_duration(50.0), "50h");
        assert_eq!(format_duration(parse_duration("4.3mo").unwrap()), "4.3mo");
        assert_eq!(format_duration(0.025), "1.5m");
        assert_eq!(format_duration(1e-9), "1e-9h");
        assert_eq!(format_duration(26.712_345), "26.7h");
        assert_eq!(format_duration(0.0), "0s");
    }

    #[test]
    fn durations() {
        assert_relative_eq!(parse_duration("90s").unwrap(), 0.025);
        assert_relative_eq!(parse_duration("15m").unwrap(), 0.25);
        assert_relative_eq!(parse_duration("4h").unwrap(), 4.0);
        assert_relative_eq!(parse_duration("2.5d").unwrap(), 60.0);
        assert_relative_eq!(parse_duration("1y").unwrap(), 8760.0);
        assert_relative_eq!(parse_duration("8760h").unwrap(), 8760.0);
        assert_relative_eq!(parse_duration("1e3h").unwrap(), 1000.0);
        assert_relative_eq!(parse_duration("1_000 h").unwrap(), 1000.0);
        assert_relative_eq!(parse_duration("-3h").unwrap(), -3.0);
        assert_relative_eq!(parse_duration("4h17m").unwrap(), 4.0 + 17.0 / 60.0);
        assert_relative_eq!(parse_duration("1d 6h 30m").unwrap(), 30.5);
        assert!(parse_duration("4h-17m").is_err());
        assert!(parse_duration("-0h30m").is_err());
        assert!(parse_duration("5m+3s").is_err());
        assert_relative_eq!(parse_duration(&"1m".repeat(300_000)).unwrap(), 5000.0, max_relative = 1e-9);
        assert!(parse_duration("4h17").is_err());
        assert!(parse_duration("4h17x").is_err());
        assert!(parse_duration("4").is_err());
        assert!(parse_duration("4 parsecs").is_err());
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn rates_and_percentages() {
        assert_relative_eq!(parse_rate("0.2/y").unwrap(), 0.2 / 8760.0);
        assert_relative_eq!(parse_rate("1/1000h").unwrap(), 0.001);
        assert_relative_eq!(parse_rate("3 / month").unwrap(), 3.0 / 730.0);
        assert!(parse_rate("0.2").is_err());
        assert!(parse_rate("1/0h").is_err());
        assert_relative_eq!(parse_percent("99.95%").unwrap(), 0.9995);
        assert_relative_eq!(parse_percent("1.5%").unwrap(), 0.015);
        assert!(parse_percent("99.9").is_err());
    }

    #[test]
    fn throughputs() {
        assert_relative_eq!(parse_throughput("2GB/h").unwrap(), 2e9);
        assert_relative_eq!(parse_throughput("100MB/s").unwrap(), 100e6 * 3600.0);
        assert!(parse_throughput("2GB").is_err());
        assert!(parse_throughput("2GB/0h").is_err());
    }

    #[test]
    fn sizes() {
        assert_relative_eq!(parse_bytes("5TB").unwrap(), 5e12);
        assert_relative_eq!(parse_bytes("500 GB").unwrap(), 5e11);
        assert_relative_eq!(parse_bytes("1KiB").unwrap(), 1024.0);
        assert!(parse_bytes("five").is_err());
        assert_eq!(format_bytes(5e12), "5 TB");
        assert_eq!(format_bytes(1.5e9), "1.5 GB");
    }

    #[test]
    fn formatting() {
        assert_eq!(format_duration(8760.0), "1y");
        assert_eq!(format_duration(10.0), "10h");
        assert_eq!(format_duration(0.5), "30m");
        assert_eq!(format_duration(72.0), "3d");
    }
}
