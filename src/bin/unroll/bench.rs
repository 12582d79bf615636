//! `unroll bench [--json] [--news] [--only NAME]... [--samples N] [--repeat N] [--data DIR]`: the
//! speed benchmarks (`unroll::bench`), natively, with the peak heap memory of each configuration.
//! `--news` runs one training epoch of each news preset instead of the engine configurations.
//!
//! With `--repeat N` each configuration runs N times and the fastest run is reported: this machine
//! is a virtual one on a shared host, and a neighbour's load only ever makes a run slower.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Instant;

use unroll::bench::{profile_table, run as run_config, table, BenchConfig, BenchRow, LARGE_NAMES, NAMES, NEWS_NAMES};
use unroll::data::ag_news;
use unroll::engine::backend::BackendKind;

/// Counts heap bytes in use and their peak (for the `peak MB` column).
pub struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

/// Samples per AG News configuration, and steps per sine configuration, by default.
const SAMPLES: usize = 10_000;
const SINE_STEPS: usize = 1_000;

pub fn run(args: &[String]) -> i32 {
    let (mut json, mut only, mut samples, mut data, mut profile) = (false, Vec::new(), None, "../shared/data/ag_news".to_string(), false);
    let (mut threads, mut repeat, mut news) = (1, 1, false);
    let mut kind = BackendKind::Cpu;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--profile" => profile = true,
            "--news" => news = true,
            "--threads" => threads = it.next().and_then(|v| v.parse::<usize>().ok()).unwrap_or(0),
            "--only" => only.push(it.next().cloned().unwrap_or_default()),
            "--samples" => samples = it.next().and_then(|v| v.parse::<usize>().ok()),
            "--repeat" => repeat = it.next().and_then(|v| v.parse::<usize>().ok()).unwrap_or(0),
            "--data" => data = it.next().cloned().unwrap_or_default(),
            "--backend" => {
                kind = match it.next().map(String::as_str) {
                    Some("cpu") => BackendKind::Cpu,
                    Some("gpu") => BackendKind::Gpu,
                    other => {
                        eprintln!("unroll bench: --backend takes cpu or gpu, not {other:?}");
                        return 2;
                    }
                }
            }
            other => {
                eprintln!(
                    "unroll bench: unknown argument `{other}` (--json, --profile, --news, --threads N, --only NAME, --samples N, --repeat N, --data DIR, --backend cpu|gpu)"
                );
                return 2;
            }
        }
    }
    if !(1..=64).contains(&threads) {
        eprintln!("unroll bench: --threads takes a number from 1 to 64");
        return 2;
    }
    if !(1..=100).contains(&repeat) {
        eprintln!("unroll bench: --repeat takes a number from 1 to 100");
        return 2;
    }
    let all: Vec<&str> = NAMES.iter().chain(NEWS_NAMES).chain(LARGE_NAMES).copied().collect();
    if let Some(bad) = only.iter().find(|n| !all.contains(&n.as_str())) {
        eprintln!("unroll bench: unknown configuration `{bad}` (known: {})", all.join(", "));
        return 2;
    }
    let default: &[&str] = if news { NEWS_NAMES } else { NAMES };
    let names: Vec<&str> =
        all.iter().copied().filter(|n| if only.is_empty() { default.contains(n) } else { only.iter().any(|o| o == n) }).collect();
    let mut lengths = Vec::new();
    let mut train_csv = None;
    if names.iter().any(|n| n.starts_with("news-")) {
        let path = format!("{data}/train.csv");
        match std::fs::read_to_string(&path) {
            Ok(text) => train_csv = Some(text),
            Err(e) => {
                eprintln!("unroll bench: the news configurations need AG News ({path}: {e}); pass --data DIR");
                return 2;
            }
        }
    }
    if names.contains(&"course-bilstm") {
        let path = format!("{data}/train.csv");
        match std::fs::read(&path) {
            Ok(bytes) => lengths = ag_news::lengths(&ag_news::read(&bytes).0),
            Err(e) => {
                eprintln!("unroll bench: course-bilstm needs AG News ({path}: {e}); pass --data DIR");
                return 2;
            }
        }
    }
    let mut rows = Vec::new();
    for name in names {
        let n = samples.unwrap_or(if name.starts_with("sine") {
            SINE_STEPS
        } else if name.starts_with("news-") {
            0 // the whole training file
        } else {
            SAMPLES
        });
        let lengths = if name == "course-bilstm" { lengths.clone() } else { vec![] };
        let csv = if name.starts_with("news-") { train_csv.clone() } else { None };
        let config = BenchConfig { name: name.to_string(), samples: n, lengths, csv, profile, threads, backend: kind };
        let mut best: Option<BenchRow> = None;
        for r in 0..repeat {
            let base = IN_USE.load(Ordering::Relaxed);
            PEAK.store(base, Ordering::Relaxed);
            if !json {
                eprintln!("running {name} ({}/{repeat}) ...", r + 1);
            }
            match run_config(&config, clock) {
                Ok(mut row) => {
                    row.peak_bytes = Some((PEAK.load(Ordering::Relaxed) - base) as u64);
                    if best.as_ref().is_none_or(|b| row.seconds < b.seconds) {
                        best = Some(row);
                    }
                }
                Err(e) => {
                    eprintln!("unroll bench: {name}: {e}");
                    return 1;
                }
            }
        }
        rows.extend(best);
    }
    let mut backend = match kind {
        BackendKind::Cpu => format!("CPU, native ({}), {threads} thread{}", std::env::consts::ARCH, if threads == 1 { "" } else { "s" }),
        BackendKind::Gpu => format!(
            "WebGPU engine through wgpu on {} (on lavapipe or another CPU adapter the figures only show that it runs)",
            unroll::engine::gpu::adapter_summary().unwrap_or_else(|e| e)
        ),
    };
    if repeat > 1 {
        backend += &format!(", fastest of {repeat} runs");
    }
    if json {
        println!("{}", serde_json::json!({ "backend": backend, "rows": rows }));
    } else {
        print!("{}", table(&rows, &backend));
        if profile {
            print!("\n{}", profile_table(&rows));
        }
    }
    0
}

/// Seconds since the first call.
fn clock() -> f64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64()
}
