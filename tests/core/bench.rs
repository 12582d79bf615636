//! The benchmark configurations stay runnable (tiny sizes here; figures come from `unroll bench`).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::bench::{run, spec_of, table, BenchConfig};

#[test]
fn every_configuration_runs_and_counts_what_it_did() {
    thread_local!(static CLOCK: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    fn now() -> f64 {
        CLOCK.with(|c| {
            c.set(c.get() + 0.5);
            c.get()
        })
    }
    let lengths: Vec<usize> = (0..40).map(|i| 3 + i % 9).collect();
    let csv = "\"1\",\"Four words in title\",\"and five in the description\"\n".repeat(40);
    let real: usize = lengths.iter().take(32).sum();
    for (name, samples, given, csv) in [
        ("agnews-lstm", 64, vec![], None),
        ("course-bilstm", 32, lengths, None),
        ("course-bilstm", 32, vec![], Some(csv)),
        ("sine-lstm", 3, vec![], None),
    ] {
        let row = run(&BenchConfig { lengths: given, csv, ..BenchConfig::new(name, samples) }, now).unwrap();
        assert_eq!(row.seconds, 0.5, "{name}: only the training loop is timed");
        match name {
            "agnews-lstm" => assert_eq!((row.steps, row.samples, row.tokens), (2, 64, 64 * 50)),
            // Real tokens only: the given lengths, or 4 + 5 per row of the CSV.
            "course-bilstm" => assert!(row.tokens == real || row.tokens == 32 * 9, "{row:?}"),
            _ => assert_eq!((row.steps, row.samples, row.tokens), (3, 3 * 32, 3 * 32 * 30)),
        }
        assert!(table(std::slice::from_ref(&row), "test").contains(name));
    }
    assert_eq!(spec_of("course-bilstm").unwrap().summary(None).total, 2_758_148);
    assert!(run(&BenchConfig::new("course-bilstm", 32), now).is_err());
    assert!(run(&BenchConfig::new("nope", 1), now).is_err());
    // Profiling splits the timed steps into phases that add up to the whole.
    let row = run(&BenchConfig { profile: true, ..BenchConfig::new("agnews-lstm", 32) }, now).unwrap();
    let phases: Vec<_> = row.profile.iter().map(|p| p.0).collect();
    assert_eq!(phases, unroll::engine::profile::PHASES.to_vec());
    assert!(row.profile.iter().all(|p| p.1 >= 0.0) && row.profile.iter().any(|p| p.1 > 0.0));
}

/// Each news preset trains one epoch of the file it is given; `samples` caps the rows.
#[test]
fn the_news_configurations_train_one_epoch() {
    use unroll::bench::NEWS_NAMES;
    let labels = ["1", "2", "3", "4"];
    let csv: String = (0..70).map(|i| format!("\"{}\",\"word{} and more\",\"the description {i}\"\n", labels[i % 4], i % 7)).collect();
    for name in NEWS_NAMES {
        let config = BenchConfig { csv: Some(csv.clone()), ..BenchConfig::new(name, 64) };
        let row = run(&config, || 0.0).unwrap();
        assert_eq!((row.samples, row.steps), (64, 2), "{name}: one epoch of 64 rows in batches of 32");
        let per_row = if *name == "news-rnn-title" { 3 } else { 6 };
        assert_eq!(row.tokens, 64 * per_row, "{name}: real tokens only (titles only for rnn-title)");
        assert_eq!(row.model.contains("mask_zero"), *name != "news-lstm-nomask" && *name != "news-rnn-title", "{name}: {}", row.model);
    }
    let config = BenchConfig::new("news-rnn", 0);
    assert!(run(&config, || 0.0).unwrap_err().to_string().contains("needs the AG News training file"));
}

/// The benchmark loop of an engine that never waits (the worker runs it for the WebGPU engine in
/// the browser) counts the same steps as the waiting one, on any engine, and times only them.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_deferred_benchmark_loop_counts_the_same_steps() {
    use unroll::bench::run_deferred;
    use unroll::engine::backend::BackendKind;
    thread_local!(static CLOCK: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) });
    fn now() -> f64 {
        CLOCK.with(|c| {
            c.set(c.get() + 0.5);
            c.get()
        })
    }
    let pauses = std::cell::Cell::new(0);
    let pause = || {
        pauses.set(pauses.get() + 1);
        std::future::ready(())
    };
    let mut backends = vec![BackendKind::Cpu];
    if crate::gpu::adapter().is_some() {
        backends.push(BackendKind::Gpu);
    }
    for backend in backends {
        for (name, samples, want) in [("agnews-lstm", 64, (2, 64, 64 * 50)), ("sine-lstm", 3, (3, 3 * 32, 3 * 32 * 30))] {
            let config = BenchConfig { backend, ..BenchConfig::new(name, samples) };
            let row = pollster::block_on(run_deferred(&config, now, pause)).unwrap();
            assert_eq!((row.steps, row.samples, row.tokens), want, "{name} on {backend:?}");
            assert_eq!(row.seconds, 0.5, "{name}: only the training loop is timed");
            assert_eq!(row.dispatches_per_step.is_some(), backend == BackendKind::Gpu, "{name}: counts on the GPU");
        }
    }
    assert_eq!(pauses.get(), 0, "engines that give their results at once never wait");
    let err = pollster::block_on(run_deferred(&BenchConfig::new("news-lstm", 0), now, pause)).unwrap_err().to_string();
    assert!(err.contains("does not run on the WebGPU engine in the browser"), "{err}");
}
