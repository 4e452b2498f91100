//! Presets: sourced figures (storage classes, and later instance types and
//! AWS defaults) that scenarios refer to by name instead of restating them.
//! Each figure carries its source; estimates are labelled as such.

pub mod aws;
pub mod storage;

use crate::units::HOURS_PER_YEAR;
use std::fmt::Write;

/// Topics `nines presets` can print.
pub const TOPICS: &[&str] = &["aws", "storage"];

/// Renders the presets of one topic, or all of them.
pub fn render(topic: Option<&str>) -> Result<String, String> {
    render_for(topic, None)
}

/// [`render`] for a terminal `width` columns wide: AWS rows too wide for
/// it put their source on a line of its own.
pub fn render_for(topic: Option<&str>, width: Option<usize>) -> Result<String, String> {
    match topic {
        None => Ok(format!("{}\n{}", render_aws(width), render_storage())),
        Some("aws") => Ok(render_aws(width)),
        Some("storage") => Ok(render_storage()),
        Some(other) => Err(format!("no presets about {other:?}: topics are {}", TOPICS.join(", "))),
    }
}

fn render_aws(width: Option<usize>) -> String {
    let mut rows: Vec<[String; 5]> =
        vec![["preset".into(), "value".into(), "quality".into(), "what".into(), "source".into()]];
    let mut add = |p: &aws::Preset| {
        rows.push([
            p.key.into(),
            format!("{} {}", p.value, p.unit),
            format!("[{}]", p.quality),
            p.what.into(),
            p.source.into(),
        ]);
    };
    for p in aws::INSTANCE_TYPES
        .iter()
        .chain(aws::DB_CLASSES)
        .chain(aws::LOAD_BALANCER)
        .chain(aws::AUTO_SCALING)
        .chain(aws::EBS)
    {
        add(p);
    }
    add(&aws::SPOT_NOTICE_S);
    add(&aws::SPOT_PRICE_RATIO);
    for (name, lo, hi) in aws::SPOT_BANDS {
        let mid = aws::spot_band_monthly(name).unwrap_or(0.0) * 100.0;
        rows.push([
            format!("spot = \"{name}\""),
            format!("{mid}% /month"),
            if *name == ">20%" { "[U]".into() } else { "[S]".into() },
            format!(
                "Spot interruption-frequency band {lo}-{hi}%: its midpoint{}",
                if *name == ">20%" { " (open band: taken as 20-30%, an assumption)" } else { "" }
            ),
            aws::SPOT_BANDS_SOURCE.into(),
        ]);
    }
    for (key, what, lo, hi, source) in aws::FAILOVER {
        rows.push([
            format!("failover = \"{key}\""),
            format!("{lo}-{hi} s"),
            "[P]".into(),
            format!("{what} (modelled as uniform over the range)"),
            (*source).into(),
        ]);
    }
    let widths: Vec<usize> = (0..4).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::from(
        "AWS building blocks (us-east-1). [P] primary (AWS) [S] secondary [D] derived [U] unsourced estimate\n\n",
    );
    let head: usize = widths.iter().map(|w| w + 2).sum();
    let wraps = width.is_some_and(|w| rows.iter().any(|r| head + r[4].chars().count() > w));
    for (i, r) in rows.iter().enumerate() {
        let cols = format!(
            "{:w0$}  {:w1$}  {:w2$}  {:w3$}",
            r[0],
            r[1],
            r[2],
            r[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2],
            w3 = widths[3]
        );
        if !wraps {
            let _ = writeln!(out, "{cols}  {}", r[4]);
        } else if i == 0 {
            let _ = writeln!(out, "{}\n    {}", cols.trim_end(), r[4]);
        } else {
            let _ = writeln!(out, "{}\n    source: {}", cols.trim_end(), r[4]);
        }
    }
    out
}

/// Marks a figure the class table labels as an unsourced estimate.
fn mark(f: &storage::Figure) -> &'static str {
    if f.is_estimate() { "*" } else { "" }
}

fn render_storage() -> String {
    let mut out = String::from("S3 storage classes (us-east-1; scenarios use the key in `class = \"...\"`)\n\n");
    let header = [
        "key",
        "designed avail.",
        "= downtime/yr",
        "SLA credit below",
        "credits (10/25/100%) below",
        "AZs",
        "durability",
        "min days",
        "$/GB-month",
        "retrieval $/GB",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.iter().map(|s| s.to_string()).collect()];
    let mut sources: Vec<String> = Vec::new();
    let mut cite = |url: &str| -> usize {
        match sources.iter().position(|s| s == url) {
            Some(i) => i + 1,
            None => {
                sources.push(url.to_owned());
                sources.len()
            }
        }
    };
    for c in storage::classes() {
        let a = &c.designed_availability_pct;
        let tiers = c.sla_credit_tiers.tiers.iter().map(|t| format!("{}", t[0])).collect::<Vec<_>>().join("/");
        let key = format!("{}{}", c.key.replace('_', "-"), if c.deprecated { " (deprecated)" } else { "" });
        rows.push(vec![
            key,
            format!("{}%{} [{}]", a.value, mark(a), cite(&a.source)),
            format!("{:.3} h", (1.0 - a.value / 100.0) * HOURS_PER_YEAR),
            format!("{}% [{}]", c.sla_monthly_uptime_pct.value, cite(&c.sla_monthly_uptime_pct.source)),
            format!("{tiers}% [{}]", cite(&c.sla_credit_tiers.source)),
            format!("{}{}", c.availability_zones_min.value, if c.single_az() { " (lost with it)" } else { "+" }),
            format!(
                "{}%{} [{}]",
                c.designed_durability_pct.value,
                mark(&c.designed_durability_pct),
                cite(&c.designed_durability_pct.source)
            ),
            format!("{}", c.min_storage_duration_days.value),
            format!(
                "{}{} [{}]",
                c.storage_price_usd_per_gb_month.value,
                mark(&c.storage_price_usd_per_gb_month),
                cite(&c.storage_price_usd_per_gb_month.source)
            ),
            format!(
                "{}{} [{}]",
                c.retrieval_fee_usd_per_gb.value,
                mark(&c.retrieval_fee_usd_per_gb),
                cite(&c.retrieval_fee_usd_per_gb.source)
            ),
        ]);
    }
    let widths: Vec<usize> =
        (0..header.len()).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
    for r in &rows {
        let line: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    let _ = writeln!(
        out,
        "\n* unsourced estimate (no source was found; a modelling guess). Designed figures are AWS design targets,"
    );
    let _ = writeln!(
        out,
        "  not measured uptime; SLA figures are where service credits start. Prices as of each source's date."
    );
    let _ = writeln!(out, "\nsources:");
    for (i, s) in sources.iter().enumerate() {
        let _ = writeln!(out, "  [{}] {s}", i + 1);
    }
    let estimates: Vec<String> = storage::classes()
        .iter()
        .flat_map(|c| {
            [&c.designed_durability_pct, &c.storage_price_usd_per_gb_month, &c.retrieval_fee_usd_per_gb]
                .into_iter()
                .filter(|f| f.is_estimate())
                .map(move |f| format!("  {}: {}", c.key.replace('_', "-"), f.note))
        })
        .collect();
    if !estimates.is_empty() {
        let _ = writeln!(out, "\nestimates:");
        for e in estimates {
            let _ = writeln!(out, "{e}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_table_lists_every_class_with_sources() {
        let t = render(Some("storage")).unwrap();
        for c in storage::classes() {
            assert!(t.contains(&c.key.replace('_', "-")), "{}", c.key);
        }
        assert!(t.contains("https://aws.amazon.com/s3/sla/"));
        assert!(t.contains("43.800 h"), "One Zone-IA's 99.5% is 43.8 h a year");
        assert!(render(Some("nope")).is_err());
        let a = render(Some("aws")).unwrap();
        for key in ["t3.nano", "t3.micro", "t3.small", "m5.large", "alb.hourly", "ebs.gp3", "ebs.io2", "rds-multi-az"] {
            assert!(a.contains(key), "{key}");
        }
    }
}
