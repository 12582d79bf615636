//! The estimate of what a run will cost: its parameter count is the engine's, it grows with the
//! batch and the window, the defaults fit, and a model past the engine's memory or step time is
//! refused before anything is allocated, with both figures and something that fits.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::footprint::{estimate, Work};
use unroll::engine::model::Merge;
use unroll::engine::train::OptimizerSpec;
use unroll::engine::Model;
use unroll::lesson::{LessonError, SeriesLesson};
use unroll::settings::Settings;

use crate::common::*;

#[test]
fn parameter_counts_are_the_engines() {
    let cells = [
        CellKind::SimpleRnn { activation: Activation::Tanh },
        CellKind::Lstm { peephole: false },
        CellKind::Lstm { peephole: true },
        CellKind::Gru { reset_after: true },
        CellKind::Gru { reset_after: false },
    ];
    for cell in cells {
        for spec in [
            seq_model(3, vec![layer(cell, 5, None), layer(cell, 4, Some(Merge::Concat))], 2),
            cls_model(50, 6, true, vec![layer(cell, 7, Some(Merge::Sum)), layer(cell, 3, None)], 4),
        ] {
            let work = Work { batch: 4, time: 3, parts: 1, eval_batch: 4, eval_time: 3 };
            let weights = estimate(&spec, &OptimizerSpec::adam(1e-3), work).weights;
            assert_eq!(weights, 4 * Model::new(spec.clone(), 1).unwrap().param_count() as u64, "{cell:?}");
        }
    }
}

#[test]
fn the_estimate_grows_with_the_work() {
    let spec = seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 32, None)], 1);
    let at = |batch, time| estimate(&spec, &OptimizerSpec::adam(1e-3), Work { batch, time, parts: 1, eval_batch: 8, eval_time: time });
    let (small, wide, long) = (at(16, 20), at(64, 20), at(16, 80));
    assert!(wide.activations > 3 * small.activations && long.activations > 3 * small.activations);
    assert!((wide.flops / small.flops - 4.0).abs() < 1e-9, "arithmetic is linear in the batch");
    assert_eq!((small.weights, small.optimizer), (wide.weights, wide.optimizer), "weights do not depend on the batch");
    assert_eq!(small.optimizer, 2 * small.weights, "Adam keeps two moments");
    let sgd = estimate(&spec, &OptimizerSpec::sgd(0.1, 0.0), Work { batch: 16, time: 20, parts: 1, eval_batch: 8, eval_time: 20 });
    assert_eq!(sgd.optimizer, 0);
}

#[test]
fn the_course_models_fit_and_say_what_they_take() {
    let lesson = SeriesLesson::new(&Settings::default()).unwrap();
    let e = lesson.info().estimate;
    assert!(e.footprint.bytes() > 1_000_000 && e.footprint.bytes() < 20_000_000, "{e:?}");
    assert!(e.seconds_per_step > 1e-5 && e.seconds_per_step < 0.1, "{e:?}");
    assert!(e.text().starts_with("about ") && e.text().ends_with(" per step"), "{}", e.text());
}

/// The link that killed the worker (LSTM(512) × 3 with peepholes, batch 512, windows of 200:
/// about 9 GB and over a minute a step) is refused before anything is built.
#[test]
fn a_model_past_the_engine_is_refused_with_both_figures_and_what_fits() {
    let (s, problems) = Settings::from_query("cell=lstm&units=512&layers=3&peephole=true&batch=512&seq-len=200");
    assert!(problems.is_empty(), "every value is within its range: {problems:?}");
    let m = match SeriesLesson::new(&s) {
        Err(LessonError::TooBig(m)) => m,
        other => panic!("{other:?}"),
    };
    assert!(m.contains("GB of memory") && m.contains("per training step"), "{m}");
    assert!(m.contains("this engine holds at most"), "{m}");
    // It offers the largest batch that fits (found by the same estimate).
    let offered: usize = m.split("A batch of ").nth(1).and_then(|r| r.split(' ').next()).and_then(|n| n.parse().ok()).expect(&m);
    assert!((1..512).contains(&offered), "{m}");
    assert!(m.ends_with(&format!("A batch of {offered} would fit")), "{m}");
}

#[test]
fn times_are_written_to_a_sensible_precision() {
    use unroll::engine::model::footprint::seconds_text;
    assert_eq!(seconds_text(1e-6), "under 0.1 ms", "never \"0.0 ms\"");
    assert_eq!(seconds_text(8e-4), "0.8 ms");
    assert_eq!(seconds_text(0.045), "45 ms");
    assert_eq!(seconds_text(3.21), "3.2 s");
}
