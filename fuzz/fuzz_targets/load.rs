//! Loads, compiles, describes and runs one short trial of each input (see
//! `nines::probe`): no panic, no trial past the event budget, every error
//! located at file:line, no figure infinite or not a number.

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static INIT: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    INIT.call_once(nines::probe::quiet_budget_panics);
    // Scenario files are read as UTF-8; anything else is refused before
    // the loader sees it.
    let Ok(text) = std::str::from_utf8(data) else { return };
    let limits = nines::probe::Limits { max_events: 100_000, max_units: 5_000, max_horizon_hours: 87_600.0 };
    if let Err(broken) = nines::probe::probe("fuzz.toml", text, limits) {
        panic!("{}", broken.0);
    }
});
