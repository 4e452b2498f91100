//! `simulation.start` and `simulation.time_zone`: where in the week (and the
//! day) t = 0 falls, for crews' working hours, maintenance windows and daily
//! backup times. Without them t = 0 is a Monday 00:00 (UTC).

use super::super::raw::RawScenario;
use super::Draft;
use super::values::*;
use crate::calendar::{Calendar, parse_offset, parse_start};

/// Reads the start and the time zone into the draft.
pub(super) fn start(raw: &RawScenario, d: &mut Draft) -> Res<()> {
    let sim = &raw.simulation;
    if let Some(text) = &sim.start {
        d.origin = at_path(parse_start(text), &path(&["simulation", "start"]))?;
    }
    if let Some(text) = &sim.time_zone {
        d.time_zone = at_path(parse_offset(text), &path(&["simulation", "time_zone"]))?;
    }
    Ok(())
}

impl Draft {
    /// A weekly calendar read from `text` at `at`, in the time zone
    /// `zone` (a UTC offset as written, at `zone_at`) or the scenario's.
    pub(super) fn calendar(
        &self,
        text: &str,
        at: &[super::super::Seg],
        zone: Option<(&str, &[super::super::Seg])>,
    ) -> Res<Calendar> {
        let offset = match zone {
            None => self.time_zone,
            Some((z, zat)) => at_path(parse_offset(z), zat)?,
        };
        at_path(Calendar::parse(text, self.origin + offset - self.time_zone), at)
    }
}
