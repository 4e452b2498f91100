//! No heap allocation per event or per trial on the engine's hot path.
//!
//! A counting global allocator counts every allocation (alloc, alloc_zeroed,
//! realloc) made by the thread under test, in a thread-local counter: the
//! tests run in parallel, and a shared counter would also count the other
//! test's allocations. What is allowed, and why:
//!
//! - `run_trial` with a warmed `Scratch`: nothing at all. The event queue's
//!   slab and heap, the unit states, the streams and the propagation stack
//!   are all reused from trial to trial and reach their final size during
//!   warm-up (each process has at most one pending event).
//! - `run_chunk`: a bounded number per chunk, independent of its number of
//!   trials. The chunk's accumulator (`VariantStats`) allocates its cause
//!   vectors once, and its DDSketch quantile sketches grow their bin stores
//!   (128 bins at a time, at most 4096 bins per store) when a value falls
//!   outside the bins they have; the number of growths is bounded whatever
//!   the trials.

use nines::engine::{Observer, Scratch, run_trial};
use nines::model::Model;
use nines::runner::run_chunk;
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

struct Counting;

thread_local! {
    /// Whether this thread is being counted.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    /// Allocations counted on this thread. Const-initialised cells without a
    /// destructor: reading them never allocates.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn note() {
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
    }
}

// SAFETY: forwards every call to the system allocator unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note();
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `f` on this thread, and its result.
fn count<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.with(Cell::get);
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    (ALLOCATIONS.with(Cell::get) - before, out)
}

fn shipped(file: &str) -> Model {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    nines::scenario::load(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())).variants.remove(0)
}

struct Discard;

impl Observer for Discard {
    fn outage(&mut self, _start: f64, _length: f64, _cause: u32) {}
}

/// Warms a scratch on `warm` trials, then checks that `run_trial` allocates
/// nothing over the next `trials` trials. Returns the events processed.
fn trial_loop_allocates_nothing(model: &Model, warm: u64, trials: u64) -> u64 {
    let mut scratch = Scratch::new(model);
    for i in 0..warm {
        run_trial(model, i, &mut scratch, &mut Discard);
    }
    let (allocs, events) =
        count(|| (warm..warm + trials).map(|i| run_trial(model, i, &mut scratch, &mut Discard).events).sum::<u64>());
    assert_eq!(allocs, 0, "{}: {allocs} allocations in {trials} warmed trials ({events} events)", model.service);
    events
}

#[test]
fn warmed_trials_allocate_nothing() {
    // 2-of-3 goes down in about 40% of years, so the warm-up also exercises
    // the propagation stack.
    let events = trial_loop_allocates_nothing(&shipped("two-of-three.toml"), 1_000, 10_000);
    assert!(events > 400_000, "{events}");
    // 4×5 goes down rarely: warm long enough to see an outage (and hence
    // a gate change) so that the propagation stack has been used.
    let events = trial_loop_allocates_nothing(&shipped("four-by-five.toml"), 20_000, 2_000);
    assert!(events > 600_000, "{events}");
    // Crews (their queues), maintenance, tests and shocks reuse their
    // working memory too.
    let events = trial_loop_allocates_nothing(&shipped("operations.toml"), 2_000, 2_000);
    assert!(events > 200_000, "{events}");
}

/// Allocations of `run_chunk` over `trials` trials with a warmed scratch.
fn chunk_allocations(model: &Model, trials: u64) -> (u64, u64) {
    let mut scratch = Scratch::new(model);
    run_chunk(model, 0..20, &mut scratch, None);
    let (allocs, stats) = count(|| run_chunk(model, 1_000_000..1_000_000 + trials, &mut scratch, None));
    (allocs, stats.events)
}

/// The most allocations one chunk of these two models may make: the
/// accumulator's two cause vectors, plus, for each of the two quantile
/// sketches they fill (downtime per year, outage length), the first
/// allocation of its bin store and one reallocation per 128-bin growth up to
/// its 4096-bin limit (sketches-ddsketch grows a store 128 bins at a time;
/// the negative-value store stays empty because durations are ≥ 0). Models
/// with buckets or data stores fill more sketches and allocate a little more
/// per chunk, by the same rule.
const MAX_PER_CHUNK: u64 = 2 + 2 * (1 + 4096 / 128);

#[test]
fn chunk_allocations_do_not_grow_with_trials() {
    for file in ["two-of-three.toml", "four-by-five.toml"] {
        let model = shipped(file);
        let counts: Vec<(u64, u64, u64)> = [1_000, 10_000, 100_000]
            .into_iter()
            .map(|trials| {
                let (allocs, events) = chunk_allocations(&model, trials);
                (trials, allocs, events)
            })
            .collect();
        for &(trials, allocs, events) in &counts {
            eprintln!("{file}: run_chunk of {trials} trials ({events} events): {allocs} allocations");
            assert!(allocs <= MAX_PER_CHUNK, "{file}: {allocs} allocations in one chunk of {trials} trials");
            assert!(allocs * 1000 < events, "{file}: {allocs} allocations for {events} events");
        }
        // Ten times the trials: the sketches may meet a rare extreme value
        // that needs one more 128-bin block, never ten times the allocations.
        // (1 000 trials of 4×5 see only one or two outages, so their
        // outage-length sketch has not grown yet: compare 10 000 with 100 000.)
        let (large, huge) = (counts[1].1, counts[2].1);
        assert!(huge <= large + 4, "{file}: {large} allocations for 10 000 trials but {huge} for 100 000");
    }
}
