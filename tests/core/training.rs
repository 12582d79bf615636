//! Training end to end on the sine lesson: every cell learns, the run is reproducible, a golden
//! loss trajectory catches silent drift, and divergence is detected.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::backend::Workers;
use unroll::lesson::SeriesLesson;
use unroll::settings::{Cell, OptimizerChoice, Settings, Task};

fn small(cell: Cell) -> Settings {
    Settings { cell, units: 16, seq_len: 12, batch: 16, ..Settings::default() }
}

fn losses(lesson: &mut SeriesLesson, steps: usize) -> Vec<f32> {
    (0..steps).map(|_| lesson.train_step().unwrap().stats.loss).collect()
}

fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len() as f32
}

#[test]
fn every_cell_learns_the_sine() {
    for cell in [Cell::Rnn, Cell::Lstm, Cell::Gru] {
        let mut s = small(cell);
        s.lr = 1e-2;
        let mut lesson = SeriesLesson::new(&s).unwrap();
        let l = losses(&mut lesson, 150);
        let (start, end) = (mean(&l[..10]), mean(&l[140..]));
        assert!(end < 0.2 * start, "{cell}: loss {start} -> {end}");
        let eval = lesson.evaluate().unwrap();
        assert!(eval.heldout_mse < 0.05, "{cell}: held-out MSE {}", eval.heldout_mse);
        assert_eq!(eval.gen_pred.len(), 200);
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let s = small(Cell::Lstm);
    let a = losses(&mut SeriesLesson::new(&s).unwrap(), 20);
    let b = losses(&mut SeriesLesson::new(&s).unwrap(), 20);
    assert_eq!(a, b, "bit-identical on the same build");
    let c = losses(&mut SeriesLesson::new(&Settings { seed: s.seed + 1, ..s }).unwrap(), 20);
    assert_ne!(a, c);
}

/// Fixed-seed loss trajectory of the default model trained with the course's recipe (teacher
/// forcing, every step scored, plain Adam), recorded in tests/fixtures. Regenerate (after
/// a deliberate change) with `UNROLL_UPDATE_FIXTURES=1 cargo test --test core trajectory`.
#[test]
fn golden_loss_trajectory() {
    let fixture = include_str!("../fixtures/sine_trajectory.json");
    let want: Vec<f32> = serde_json::from_str(fixture).unwrap();
    let s = Settings { training: unroll::settings::Training::Teacher, warmup: 0, amsgrad: false, ..Settings::default() };
    let got = losses(&mut SeriesLesson::new(&s).unwrap(), 40);
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UNROLL_UPDATE_FIXTURES").is_some() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/sine_trajectory.json");
        std::fs::write(path, serde_json::to_string_pretty(&got).unwrap()).unwrap();
        return;
    }
    // Native and wasm32 builds differ in libm (tanh, exp) and vectorisation, so allow rounding
    // drift; a change in the math moves the trajectory far more than this.
    crate::common::assert_close("sine loss trajectory", &got, &want, 1e-6, 2e-3);
}

#[test]
fn a_huge_learning_rate_is_reported_as_divergence() {
    let s = Settings { optimizer: OptimizerChoice::Sgd, lr: 10.0, ..small(Cell::Rnn) };
    let mut lesson = SeriesLesson::new(&s).unwrap();
    let msg = (0..200).find_map(|_| lesson.train_step().unwrap().diverged).expect("diverges within 200 steps");
    assert!(msg.contains("smaller learning rate") && msg.contains("clip"), "{msg}");
}

#[test]
fn a_typed_sequence_trains_and_continues() {
    let series = (0..40).map(|i| ((i % 8) as f32).to_string()).collect::<Vec<_>>().join(", ");
    let s = Settings { task: Task::Typed, series, seq_len: 10, lr: 1e-2, ..small(Cell::Gru) };
    let mut lesson = SeriesLesson::new(&s).unwrap();
    assert_eq!((lesson.info().values.len(), lesson.info().train_end), (40, 32));
    assert!(lesson.info().standardised);
    let l = losses(&mut lesson, 300);
    assert!(mean(&l[290..]) < 0.1 * mean(&l[..10]), "{} -> {}", mean(&l[..10]), mean(&l[290..]));
    let eval = lesson.evaluate().unwrap();
    assert_eq!(eval.gen_truth.len(), 8, "truth is the held-out part");
    assert!(eval.gen_mse.is_some());
    // Predictions are in the sequence's own units (0..7), not standardised ones.
    assert!(eval.heldout_pred.iter().all(|v| (-2.0..10.0).contains(v)), "{:?}", eval.heldout_pred);
}

#[test]
fn short_typed_sequences_use_shorter_windows() {
    let s = Settings { task: Task::Typed, series: "1, 2, 3, 4, 5, 6".into(), ..Settings::default() };
    let mut lesson = SeriesLesson::new(&s).unwrap();
    assert_eq!((lesson.info().train_end, lesson.info().window), (5, 4));
    losses(&mut lesson, 5);
    lesson.evaluate().unwrap();
}

#[test]
fn bad_settings_are_refused_before_anything_is_built() {
    let s = Settings { task: Task::Typed, series: "1, 2, banana".into(), ..Settings::default() };
    let e = SeriesLesson::new(&s).unwrap_err().to_string();
    assert!(e.contains("banana"), "{e}");
    let s = Settings { units: 0, ..Settings::default() };
    assert!(SeriesLesson::new(&s).unwrap_err().to_string().contains("units"));
}

/// The series lesson always trains in `PARTS` parts, so its runs are the same bits on one thread
/// or two (natively; in wasm the threads runner computes the parts in turn; in the browser, with
/// or without the helper worker: tests/e2e/workers.test.mjs).
#[test]
fn the_series_lesson_trains_the_same_bits_on_one_thread_or_two() {
    let s = Settings { dropout: 0.1, recurrent_dropout: 0.1, ..small(Cell::Gru) };
    let run = |threads: usize| {
        let mut lesson = SeriesLesson::new(&s).unwrap();
        lesson.set_workers(Workers::threads(threads));
        let l = losses(&mut lesson, 20);
        (l, lesson.model().params.values.clone())
    };
    assert_eq!(run(1), run(2));
}

#[test]
fn the_lesson_takes_dropout_peepholes_and_rmsprop_from_the_settings() {
    let s = Settings {
        cell: Cell::Lstm,
        peephole: true,
        dropout: 0.2,
        recurrent_dropout: 0.1,
        optimizer: OptimizerChoice::RmsProp,
        ..small(Cell::Lstm)
    };
    let mut lesson = SeriesLesson::new(&s).unwrap();
    assert_eq!(lesson.info().model, "LSTM(16, peephole, dropout=0.2, recurrent_dropout=0.1) → Dense(1) per step");
    assert!(lesson.model().params.get("rnn0.peephole_weights").is_some());
    let l = losses(&mut lesson, 60);
    assert!(mean(&l[50..]) < mean(&l[..10]), "RMSprop with dropout still learns: {} -> {}", mean(&l[..10]), mean(&l[50..]));
}

/// In the browser a part of each batch may be computed by a [`RemotePart`] (the helper worker):
/// the trainer takes its gradient and loss in place of its own, and when the remote fails it
/// computes the part itself — the same bits either way. A stand-in computes the part here, in the
/// same process (the real helper is compared in tests/e2e/workers.test.mjs).
#[test]
fn a_remote_part_gives_the_same_bits_and_a_failing_one_is_replaced() {
    use std::cell::{Cell as Flag, RefCell};
    use std::rc::Rc;
    use unroll::engine::model::{Dropout, Input, Model, Targets, Workspace};
    use unroll::engine::train::init::rng_from_seed;
    use unroll::engine::train::RemotePart;
    /// A part's loss, gradient and outputs.
    type Done = (f32, Vec<f32>, Vec<f32>);
    #[derive(Debug, Default)]
    struct StandIn {
        fail: bool,
        calls: Flag<usize>,
        result: RefCell<Option<Done>>,
    }
    impl RemotePart for StandIn {
        fn start(&self, model: &Model, input: &Input, targets: &Targets, seed: u64) -> bool {
            let (mut grads, mut ws) = (vec![0.0; model.params.len()], Workspace::default());
            let loss = model.loss_and_grads(input, targets, &mut grads, &mut ws, &mut Dropout::Sample(&mut rng_from_seed(seed))).unwrap();
            self.calls.set(self.calls.get() + 1);
            *self.result.borrow_mut() = Some((loss, grads, ws.outputs));
            true
        }
        fn finish(&self, grads: &mut [f32], outputs: &mut Vec<f32>) -> Option<f32> {
            let (loss, g, o) = self.result.borrow_mut().take().unwrap();
            if self.fail {
                return None;
            }
            grads.copy_from_slice(&g);
            *outputs = o;
            Some(loss)
        }
    }
    let s = Settings { dropout: 0.1, recurrent_dropout: 0.1, ..small(Cell::Gru) };
    let run = |remote: Option<Rc<StandIn>>| {
        let mut lesson = SeriesLesson::new(&s).unwrap();
        lesson.set_workers(remote.map_or(Workers::Here, |r| Workers::Helper(r)));
        let l = losses(&mut lesson, 12);
        (l, lesson.model().params.values.clone())
    };
    let local = run(None);
    let (good, bad) = (Rc::new(StandIn::default()), Rc::new(StandIn { fail: true, ..StandIn::default() }));
    assert_eq!(run(Some(good.clone())), local);
    assert_eq!(good.calls.get(), 12, "one part of every step was computed remotely");
    assert_eq!(run(Some(bad.clone())), local);
    assert_eq!(bad.calls.get(), 12);
}

/// An evaluation done a few windows at a time (as the worker does it, between yields) is the very
/// evaluation done at once, however it is sliced; here with more held-out windows than one group.
#[test]
fn an_evaluation_in_slices_is_the_evaluation_at_once() {
    let series: Vec<String> = (0..400).map(|i| format!("{:.3}", (i as f32 * 0.37).sin() + 0.1 * (i % 7) as f32)).collect();
    let s = Settings { task: Task::Typed, series: series.join(","), ..small(Cell::Gru) };
    let mut lesson = SeriesLesson::new(&s).unwrap();
    losses(&mut lesson, 5);
    let whole = lesson.evaluate().unwrap();
    assert!(whole.heldout_pred.len() > unroll::lesson::series::HELDOUT_CHUNK, "several groups of held-out windows");
    for units in [1, 3, 64, 1000] {
        let mut job = lesson.begin_evaluation();
        let mut calls = 0;
        let e = loop {
            calls += 1;
            if let Some(e) = lesson.advance_evaluation(&mut job, units).unwrap() {
                break e;
            }
        };
        assert_eq!(e, whole, "{units} windows at a time");
        assert!(units >= 1000 || calls > 2, "it took {calls} slices");
    }
}
