//! The event queue against a reference model: a `BTreeMap` keyed by
//! (time, sequence number), under long seeded random sequences of schedule,
//! pop, cancel (of pending and of stale keys), peek and clear. Times are drawn
//! mostly from a small set of integers so that ties are frequent and the
//! (time, seq) order — same-time events in scheduling order — is exercised.

use nines::queue::{EventKey, EventQueue};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// An f64 ordered by `total_cmp`, as the queue orders times.
#[derive(Clone, Copy, Debug, PartialEq)]
struct OrderedTime(f64);

impl Eq for OrderedTime {}

impl PartialOrd for OrderedTime {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for OrderedTime {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// The reference: pending events by (time, seq), and every key handed out
/// since the last clear with the reference entry it names.
#[derive(Default)]
struct Reference {
    pending: BTreeMap<(OrderedTime, u64), u64>,
    issued: Vec<(EventKey, (OrderedTime, u64))>,
    next_seq: u64,
}

/// Draws an event time: mostly one of 0..8 (many ties), sometimes any real
/// in [0, 8), rarely a large, tiny, negative or infinite value.
fn draw_time(rng: &mut Xoshiro256PlusPlus) -> f64 {
    match rng.random_range(0..100) {
        0..70 => f64::from(rng.random_range(0u32..8)),
        70..95 => rng.random::<f64>() * 8.0,
        95..97 => 1e9 * rng.random::<f64>(),
        97 => 1e-300 * rng.random::<f64>(),
        // Not produced by the engine, but the queue orders them too.
        98 => -8.0 * rng.random::<f64>(),
        _ => f64::INFINITY,
    }
}

/// Runs `ops` random operations with `seed`, checking every answer of the
/// queue against the reference.
fn fuzz(seed: u64, ops: usize, clear_per_mille: u32) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut q: EventQueue<u64> = EventQueue::new();
    let mut r = Reference::default();
    let mut payload = 0u64;
    let (mut pops, mut hits, mut stale, mut holds) = (0u64, 0u64, 0u64, 0u64);
    let mut popped_last = false;
    for step in 0..ops {
        let popped_before = std::mem::take(&mut popped_last);
        let roll = rng.random_range(0u32..1000);
        if roll < clear_per_mille {
            q.clear();
            // Keys issued before stay in `issued`: cancelling them must
            // now fail (the reference's sequence numbers keep running, so
            // they never name a new entry).
            r.pending.clear();
        } else if roll < 480 {
            let t = draw_time(&mut rng);
            payload += 1;
            // Right after a pop the queue fills the popped root in place.
            holds += u64::from(popped_before);
            let key = q.schedule(t, payload);
            let rk = (OrderedTime(t), r.next_seq);
            r.next_seq += 1;
            r.pending.insert(rk, payload);
            r.issued.push((key, rk));
        } else if roll < 740 {
            let expected = r.pending.pop_first().map(|((t, _), p)| (t.0, p));
            let got = q.pop();
            assert_eq!(
                got.map(|(t, p)| (t.to_bits(), p)),
                expected.map(|(t, p)| (t.to_bits(), p)),
                "seed {seed}, step {step}: pop"
            );
            pops += 1;
            popped_last = true;
        } else if roll < 940 {
            if r.issued.is_empty() {
                continue;
            }
            // Mostly recent keys (likely pending), sometimes any (likely
            // stale, possibly from before a clear).
            let n = r.issued.len();
            let i =
                if rng.random_bool(0.75) { rng.random_range(n.saturating_sub(200)..n) } else { rng.random_range(0..n) };
            let (key, rk) = r.issued[i];
            let expected = r.pending.remove(&rk).is_some();
            assert_eq!(q.cancel(key), expected, "seed {seed}, step {step}: cancel of {key:?}");
            if expected {
                hits += 1;
            } else {
                stale += 1;
            }
        } else {
            let expected = r.pending.first_key_value().map(|((t, _), _)| t.0.to_bits());
            assert_eq!(q.peek_time().map(f64::to_bits), expected, "seed {seed}, step {step}: peek_time");
        }
        assert_eq!(q.len(), r.pending.len(), "seed {seed}, step {step}: len");
        assert_eq!(q.is_empty(), r.pending.is_empty(), "seed {seed}, step {step}: is_empty");
    }
    // Drain: the rest comes out in (time, seq) order.
    while let Some(((t, _), p)) = r.pending.pop_first() {
        assert_eq!(q.pop(), Some((t.0, p)), "seed {seed}: drain");
    }
    assert_eq!(q.pop(), None);
    assert!(q.is_empty());
    // The sequence must have exercised every branch.
    assert!(
        pops > 1000 && hits > 1000 && stale > 1000 && holds > 1000,
        "pops {pops}, cancels {hits}, stale cancels {stale}, schedules right after a pop {holds}"
    );
}

/// Random operations, no clear, several seeds; the heap grows to a few
/// hundred entries and shrinks again, with frequent same-time ties.
#[test]
fn matches_btreemap_reference() {
    for seed in 1..=8 {
        fuzz(seed, 100_000, 0);
    }
}

/// Same, with occasional `clear` (as between trials): slots are reused and
/// the sequence numbers restart.
#[test]
fn matches_btreemap_reference_with_clear() {
    for seed in 100..=104 {
        fuzz(seed, 100_000, 2);
    }
}

/// A queue that keeps growing: many pending events, then everything drained.
#[test]
fn large_heap_drains_in_order() {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let mut q: EventQueue<u32> = EventQueue::new();
    let mut reference = BTreeMap::new();
    for i in 0..50_000u32 {
        let t = f64::from(rng.random_range(0u32..64));
        q.schedule(t, i);
        reference.insert((OrderedTime(t), u64::from(i)), i);
    }
    assert_eq!(q.len(), 50_000);
    for ((t, _), p) in reference {
        assert_eq!(q.pop(), Some((t.0, p)));
    }
    assert!(q.pop().is_none());
}

/// Same-time events come out in scheduling order even when interleaved with
/// cancellations of their neighbours.
#[test]
fn ties_keep_schedule_order_around_cancels() {
    let mut q = EventQueue::new();
    let keys: Vec<EventKey> = (0..10).map(|i| q.schedule(5.0, i)).collect();
    for k in keys.iter().step_by(3) {
        assert!(q.cancel(*k));
    }
    q.schedule(5.0, 10);
    let order: Vec<i32> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
    assert_eq!(order, [1, 2, 4, 5, 7, 8, 10]);
}

/// `clear` hands the slots out again in the same order; the generation
/// counter keeps running so that a key kept from before a clear cannot cancel a new
/// event in the same slot.
#[test]
fn keys_from_before_clear_do_not_cancel_new_events() {
    let mut q = EventQueue::new();
    let old = q.schedule(1.0, 'a');
    q.clear();
    let new = q.schedule(2.0, 'b');
    assert_ne!(old, new, "a pre-clear key equals a new key");
    assert!(!q.cancel(old), "a pre-clear key cancelled a new event");
    assert_eq!(q.len(), 1);
}
