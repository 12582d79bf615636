//! What every backend must do, run on each of `BackendKind::available()` (adding a backend to `ALL` runs
//! these on it): a training step that parts and workers never change but for the split itself,
//! weights and optimiser state that resume a run to the last bit, gradients that agree with finite
//! differences, and traces that agree with the predictions. The golden files run on every backend
//! too (`golden::Path::all()`, in golden.rs and reference.rs).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::backend::{self, Backend, BackendKind, Setup, Workers};
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{InputSpec, LossKind, ModelSpec, RecurrentSpec};
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, InputData, Model, Targets};

use crate::common::*;

fn start(kind: BackendKind, spec: &ModelSpec, seed: u64, optimizer: OptimizerSpec) -> Box<dyn Backend> {
    let setup = Setup {
        model: Model::new(spec.clone(), seed).unwrap(),
        optimizer,
        clipping: Clipping::GlobalNorm(1.0),
        schedule: Schedule::Constant,
        seed: 1,
    };
    backend::create(kind, setup).unwrap()
}

/// A small masked LSTM classifier over a 60-token vocabulary.
fn classifier() -> ModelSpec {
    ModelSpec {
        input: InputSpec::Tokens { vocab: 60, dim: 5, mask_zero: true },
        layers: vec![RecurrentSpec::new(CellKind::Lstm { peephole: false }, 6, None)],
        return_sequences: false,
        dense_units: 3,
        loss: LossKind::SparseCategoricalCrossentropy,
    }
}

/// Batch `step` for [`classifier`]: 7 rows of 5 tokens (the last one padding), 3 classes; the
/// tokens change from step to step, so the reused gradient buffers are exercised.
fn batch(step: u32) -> (Vec<u32>, Vec<u32>) {
    let ids = (0..7 * 5).map(|i| if i % 5 == 4 { 0 } else { 1 + (i * 7 + step * 11) % 59 }).collect();
    let labels = (0..7).map(|i| (i + step) % 3).collect();
    (ids, labels)
}

fn train(b: &mut dyn Backend, steps: std::ops::Range<u32>) -> (Vec<f32>, Vec<f32>) {
    let (mut losses, mut outputs) = (vec![], vec![]);
    for step in steps {
        let (ids, labels) = batch(step);
        let input = Input { batch: 7, time: 5, data: InputData::Tokens(&ids), mask: None, feedback: None, loss_from: 0 };
        losses.push(b.train_batch(&input, &Targets::Classes(&labels)).unwrap().loss);
        outputs.extend_from_slice(b.train_outputs());
    }
    (losses, outputs)
}

/// Splitting each batch into parts gives the same training up to rounding, and where the parts
/// run (here, on threads) changes not a bit.
#[test]
fn parts_split_the_batch_and_workers_change_nothing() {
    for kind in BackendKind::available() {
        let run = |parts: usize, threads: usize| {
            let mut b = start(kind, &classifier(), 3, OptimizerSpec::adam(1e-2));
            b.set_parts(parts);
            b.set_workers(Workers::threads(threads));
            let (l, o) = train(b.as_mut(), 0..6);
            (l, b.weights(), o)
        };
        let (l1, p1, o1) = run(1, 1);
        assert_eq!(o1.len(), 6 * 7 * 3);
        for parts in [2, 3] {
            if kind == BackendKind::Gpu {
                // One device computes the whole batch: parts and workers are the CPU's matter.
                assert_eq!(run(parts, parts), (l1.clone(), p1.clone(), o1.clone()), "{kind:?}: {parts} parts change nothing");
                continue;
            }
            let (l, p, o) = run(parts, parts);
            assert_ne!(p, p1, "{kind:?}: {parts} parts round differently from one (the split happened)");
            assert_close(&format!("{kind:?}: outputs of the whole batch, {parts} parts"), &o, &o1, 1e-6, 1e-4);
            assert_close(&format!("{kind:?}: losses, {parts} parts"), &l, &l1, 1e-6, 1e-5);
            assert_close(&format!("{kind:?}: weights, {parts} parts"), &p, &p1, 1e-6, 1e-4);
            assert_eq!(run(parts, 1), (l, p, o), "{kind:?}: {parts} parts here and on {parts} threads");
        }
    }
}

/// A run stopped after 4 steps and taken up by a fresh backend (weights and optimiser state
/// loaded) goes on exactly as the run that never stopped, for every optimiser.
#[test]
fn weights_and_optimizer_state_resume_a_run_exactly() {
    for kind in BackendKind::available() {
        for optimizer in [OptimizerSpec::adam(1e-2), OptimizerSpec::sgd(0.05, 0.9), OptimizerSpec::rmsprop(1e-2)] {
            let mut whole = start(kind, &classifier(), 3, optimizer);
            let (l_whole, _) = train(whole.as_mut(), 0..8);
            let mut first = start(kind, &classifier(), 3, optimizer);
            train(first.as_mut(), 0..4);
            let mut resumed = start(kind, &classifier(), 99, optimizer);
            resumed.load_weights(&first.weights()).unwrap();
            resumed.load_optimizer_state(&first.optimizer_state()).unwrap();
            let (l_rest, _) = train(resumed.as_mut(), 4..8);
            assert_eq!(l_rest, l_whole[4..], "{kind:?} {optimizer:?}: the resumed run's losses");
            assert_eq!(resumed.weights(), whole.weights(), "{kind:?} {optimizer:?}: the resumed run's weights");
            assert_eq!(resumed.optimizer_state(), whole.optimizer_state());
        }
        // What does not fit is refused, and changes nothing.
        let mut b = start(kind, &classifier(), 3, OptimizerSpec::adam(1e-2));
        let before = b.weights();
        assert!(b.load_weights(&before[1..]).is_err());
        let sgd = start(kind, &classifier(), 3, OptimizerSpec::sgd(0.1, 0.0)).optimizer_state();
        assert!(b.load_optimizer_state(&sgd).is_err(), "plain SGD has no slots for Adam's");
        assert_eq!(b.weights(), before);
    }
}

/// Every cell's gradient, taken through the backend, against central differences of its loss.
#[test]
fn gradients_agree_with_finite_differences() {
    const EPS: f32 = 1e-2;
    let cells = [
        CellKind::SimpleRnn { activation: Activation::Tanh },
        CellKind::Lstm { peephole: true },
        CellKind::Gru { reset_after: true },
        CellKind::Gru { reset_after: false },
    ];
    for kind in BackendKind::available() {
        for cell in cells {
            let spec = seq_model(2, vec![layer(cell, 3, None)], 1);
            let mut b = start(kind, &spec, 5, OptimizerSpec::sgd(0.0, 0.0));
            let mut r = rng(7);
            let w = uniform_vec(&mut r, b.param_count(), -0.5, 0.5);
            b.load_weights(&w).unwrap();
            let (x, y) = (uniform_vec(&mut r, 2 * 4 * 2, -1.0, 1.0), uniform_vec(&mut r, 2 * 4, -1.0, 1.0));
            let input = Input { batch: 2, time: 4, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 };
            let targets = Targets::Values(&y);
            let (_, analytic) = b.gradients(&input, &targets).unwrap();
            let mut loss_at = |i: usize, delta: f32| {
                let mut v = w.clone();
                v[i] += delta;
                b.load_weights(&v).unwrap();
                b.gradients(&input, &targets).unwrap().0
            };
            for (i, &ana) in analytic.iter().enumerate() {
                let num = (loss_at(i, EPS) - loss_at(i, -EPS)) / (2.0 * EPS);
                assert!(
                    (num - ana).abs() <= 2e-4 + 2e-2 * num.abs().max(ana.abs()),
                    "{kind:?} {cell:?} weight {i}: numeric {num}, analytic {ana}"
                );
            }
            assert!(
                analytic.iter().filter(|g| g.abs() > 1e-6).count() * 4 > analytic.len() * 3,
                "{kind:?} {cell:?}: most weights get a gradient"
            );
        }
    }
}

/// A trace holds every state and gate of one row, and its outputs are that row's predictions.
#[test]
fn traces_hold_every_step_and_agree_with_predictions() {
    let cells = [
        (CellKind::Lstm { peephole: false }, 4, true),
        (CellKind::Gru { reset_after: true }, 3, false),
        (CellKind::SimpleRnn { activation: Activation::Relu }, 1, false),
    ];
    for kind in BackendKind::available() {
        for (cell, gates, has_c) in cells {
            let spec = seq_model(1, vec![layer(cell, 5, None), layer(cell, 4, Some(unroll::engine::model::Merge::Concat))], 1);
            let mut b = start(kind, &spec, 11, OptimizerSpec::adam(1e-3));
            let x = uniform_vec(&mut rng(2), 3 * 6, -1.0, 1.0);
            let input = Input { batch: 3, time: 6, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 };
            let predicted = b.predict(&input).unwrap().to_vec();
            for row in 0..3 {
                let t = b.trace(&input, row).unwrap();
                assert_eq!(t.time, 6);
                // The CPU engine traces with the very arithmetic it predicts with; another engine
                // agrees to rounding (its views run on a CPU copy of its weights).
                let want = &predicted[row * 6..(row + 1) * 6];
                match kind {
                    BackendKind::Cpu => assert_eq!(t.outputs, want, "{kind:?} {cell:?} row {row}"),
                    _ => assert_close(&format!("{kind:?} {cell:?} row {row}"), &t.outputs, want, 1e-6, 1e-4),
                }
                assert_eq!(t.layers.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2], "one direction, then two");
                for (k, dirs) in t.layers.iter().enumerate() {
                    for d in dirs {
                        let units = [5, 4][k];
                        assert_eq!((d.units, d.h.len(), d.gates.len()), (units, 7 * units, 6 * gates * units));
                        assert_eq!(d.c.len(), if has_c { 7 * units } else { 0 });
                        assert!(d.h[..units].iter().all(|&v| v == 0.0), "the initial state is zero");
                        assert!(d.h[units..].iter().any(|&v| v != 0.0));
                    }
                }
            }
            assert!(b.trace(&input, 3).is_err(), "a row past the batch is refused");
        }
    }
}
