//! S3 storage classes, read from the sourced table `s3-classes.toml`
//! (compiled into the binary; every figure with its source URL).
//! Every figure keeps its source URL, date and quality label, so `nines
//! presets storage` can cite them and flag estimates.

use serde::Deserialize;
use std::sync::OnceLock;

const TABLE: &str = include_str!("s3-classes.toml");

/// One sourced number.
#[derive(Clone, Debug, Deserialize)]
pub struct Figure {
    /// The value.
    pub value: f64,
    /// Its unit as the source states it.
    #[serde(default)]
    pub unit: String,
    /// Where it comes from.
    pub source: String,
    /// When the source stated it.
    pub as_of: String,
    /// `primary`, `secondary`, `derived` or `unsourced_estimate`.
    pub quality: String,
    /// Caveats.
    #[serde(default)]
    pub note: String,
}

impl Figure {
    /// True when the table marks the figure as a modelling guess.
    pub fn is_estimate(&self) -> bool {
        self.quality == "unsourced_estimate"
    }
}

/// A sourced yes/no.
#[derive(Clone, Debug, Deserialize)]
pub struct Flag {
    /// The value.
    pub value: bool,
    /// Where it comes from.
    pub source: String,
}

/// SLA credit tiers: rows of [uptime below %, uptime at least %, credit %].
#[derive(Clone, Debug, Deserialize)]
pub struct Tiers {
    /// The rows, highest uptime first.
    pub tiers: Vec<[f64; 3]>,
    /// Where they come from.
    pub source: String,
    /// When the source stated them.
    pub as_of: String,
}

/// A storage class with its sourced figures.
#[derive(Clone, Debug, Deserialize)]
pub struct StorageClass {
    /// Key in the table (`one_zone_ia`); scenarios also accept `one-zone-ia`
    /// and the API name `ONEZONE_IA`.
    #[serde(skip)]
    pub key: String,
    /// Display name.
    pub name: String,
    /// The S3 API's storage-class name.
    pub api_storage_class: String,
    /// No longer recommended by AWS.
    pub deprecated: bool,
    /// Designed durability, percent per year.
    pub designed_durability_pct: Figure,
    /// Designed availability, percent per year.
    pub designed_availability_pct: Figure,
    /// Monthly uptime below which SLA credits start.
    pub sla_monthly_uptime_pct: Figure,
    /// Credit tiers.
    pub sla_credit_tiers: Tiers,
    /// Availability zones the data is kept in (at least).
    pub availability_zones_min: Figure,
    /// Whether the data survives the destruction of one zone.
    pub survives_az_loss: Flag,
    /// Minimum billed storage duration.
    pub min_storage_duration_days: Figure,
    /// Storage price.
    pub storage_price_usd_per_gb_month: Figure,
    /// Retrieval fee.
    pub retrieval_fee_usd_per_gb: Figure,
}

impl StorageClass {
    /// Data kept in a single zone (lost with it).
    pub fn single_az(&self) -> bool {
        !self.survives_az_loss.value
    }

    /// Designed availability as a fraction.
    pub fn availability(&self) -> f64 {
        self.designed_availability_pct.value / 100.0
    }

    /// Designed probability that one object is lost in a year.
    pub fn annual_object_loss(&self) -> f64 {
        // 1 − 0.99999999999 in binary floating point is 1.00000008e-11; the
        // figure is stated to 11 decimals; 6 significant digits of the
        // complement keep all it says and drop the representation error.
        let raw = (100.0 - self.designed_durability_pct.value) / 100.0;
        format!("{raw:.5e}").parse().unwrap_or(raw)
    }

    /// Index of the SLA credit tier a month's uptime fraction falls in.
    pub fn credit_tier(&self, uptime: f64) -> Option<usize> {
        let pct = uptime * 100.0;
        self.sla_credit_tiers.tiers.iter().position(|t| pct < t[0] && pct >= t[1])
    }

    /// Service credit (percent of the monthly bill) for a month's uptime
    /// fraction, per the class's SLA tiers.
    pub fn credit_pct(&self, uptime: f64) -> f64 {
        self.credit_tier(uptime).map_or(0.0, |i| self.sla_credit_tiers.tiers[i][2])
    }
}

/// Every class in the table, in file order.
pub fn classes() -> &'static [StorageClass] {
    static CLASSES: OnceLock<Vec<StorageClass>> = OnceLock::new();
    CLASSES.get_or_init(|| {
        let table: toml::Table = toml::from_str(TABLE).expect("the bundled class table is valid TOML");
        table
            .into_iter()
            .filter(|(k, _)| k != "meta")
            .map(|(key, v)| {
                let mut c: StorageClass =
                    v.try_into().unwrap_or_else(|e| panic!("class {key} in the bundled table: {e}"));
                c.key = key;
                c
            })
            .collect()
    })
}

/// Looks a class up by key, kebab-case key or API name.
pub fn find(name: &str) -> Option<&'static StorageClass> {
    let norm = name.trim().to_ascii_lowercase().replace('-', "_");
    classes().iter().find(|c| c.key == norm || c.api_storage_class.eq_ignore_ascii_case(name.trim()))
}

/// The accepted class names, for error messages.
pub fn names() -> String {
    classes().iter().map(|c| c.key.replace('_', "-")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_parses_with_sources() {
        let all = classes();
        assert_eq!(all.len(), 9, "{:?}", all.iter().map(|c| &c.key).collect::<Vec<_>>());
        for c in all {
            assert!(c.designed_availability_pct.source.starts_with("http"), "{}", c.key);
            assert!(!c.sla_credit_tiers.tiers.is_empty());
        }
        assert!(find("reduced-redundancy").unwrap().deprecated);
    }

    #[test]
    fn lookup_and_figures() {
        let oz = find("one-zone-ia").unwrap();
        assert_eq!(oz.key, "one_zone_ia");
        assert!(oz.single_az());
        assert_eq!(find("ONEZONE_IA").unwrap().key, "one_zone_ia");
        let std = find("standard").unwrap();
        assert!(!std.single_az());
        assert!((std.availability() - 0.9999).abs() < 1e-12);
        assert_eq!(std.annual_object_loss(), 1e-11);
        // Group A tiers: <99.9 → 10, <99.0 → 25, <95 → 100.
        assert_eq!(std.credit_pct(0.9995), 0.0);
        assert_eq!(std.credit_pct(0.995), 10.0);
        assert_eq!(std.credit_pct(0.97), 25.0);
        assert_eq!(std.credit_pct(0.5), 100.0);
        // Group B (One Zone-IA): credits start below 99.0.
        assert_eq!(oz.credit_pct(0.995), 0.0);
        assert_eq!(oz.credit_pct(0.985), 10.0);
    }
}
