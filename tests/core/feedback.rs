//! Free-running steps (`Input::feedback`, `engine/model/feedback.rs`): the model reads its own
//! predictions from a chosen step on, and its gradient flows back through them.
//!
//! - With no step fed back, the step-by-step pass equals the layer-major one (outputs, loss,
//!   every gradient), for every cell, with dropout and stacked.
//! - Fed back, the outputs equal the reference's (f64, `engine::reference`, which knows nothing
//!   of feedback) re-run once per fed step with the previous run's prediction written into the
//!   input: that is what "reads its own prediction" means.
//! - The gradient equals central finite differences of that re-run reference loss, so the path
//!   through the fed-back predictions is checked by a pass that has none.
//! - On every backend: `gradients` and `train_batch` (in parts) take the same path.
//! - What cannot be fed back is refused with a reason.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::backend::{self, BackendKind, Setup};
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{Dropout, DropoutMasks, Merge, ModelSpec, RecurrentSpec};
use unroll::engine::reference;
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{EngineError, Input, InputData, Model, Targets, Workspace};

use crate::common::*;

const B: usize = 3;
const T: usize = 6;

struct Case {
    model: Model,
    values: Vec<f32>,
    targets: Vec<f32>,
}

fn case(layers: Vec<RecurrentSpec>, seed: u64) -> Case {
    let spec = seq_model(1, layers, 1);
    let mut model = Model::zeroed(spec).unwrap();
    let mut r = rng(seed);
    model.params.values = uniform_vec(&mut r, model.params.len(), -0.6, 0.6);
    Case { values: uniform_vec(&mut r, B * T, -1.0, 1.0), targets: uniform_vec(&mut r, B * T, -1.0, 1.0), model }
}

fn input(values: &[f32], feedback: Option<usize>) -> Input<'_> {
    Input { batch: B, time: T, data: InputData::Values(values), mask: None, feedback, loss_from: 0 }
}

/// The reference's loss and outputs with steps `from..` fed back: run once per fed step, each
/// run's prediction of step `s - 1` written into the input at step `s`; the loss leaves the
/// first `loss_from` steps out.
fn reference_fed(
    model: &Model,
    values: &[f32],
    targets: &[f32],
    from: usize,
    loss_from: usize,
    masks: &[Vec<DropoutMasks>],
) -> (f32, Vec<f32>) {
    let mut x = values.to_vec();
    let targets = Targets::Values(targets);
    for s in from..T {
        let out = reference::run(model, &input(&x, None), &targets, masks).unwrap().outputs;
        for b in 0..B {
            x[b * T + s] = out[b * T + s - 1];
        }
    }
    let r = reference::run(model, &Input { loss_from, ..input(&x, None) }, &targets, masks).unwrap();
    (r.loss, r.outputs)
}

fn cells_and_stacks() -> Vec<(String, Vec<RecurrentSpec>)> {
    let mut out: Vec<_> = all_cells().into_iter().map(|c| (format!("{c:?}"), vec![layer(c, 4, None)])).collect();
    out.push((
        "LSTM(3) → GRU(4)".into(),
        vec![layer(CellKind::Lstm { peephole: false }, 3, None), layer(CellKind::Gru { reset_after: true }, 4, None)],
    ));
    out.push(("SimpleRNN(3, relu) ×2".into(), vec![layer(CellKind::SimpleRnn { activation: Activation::Relu }, 3, None); 2]));
    out
}

/// `layers` with these input and recurrent dropout rates.
fn with_dropout(layers: &[RecurrentSpec], input: f32, recurrent: f32) -> Vec<RecurrentSpec> {
    layers.iter().map(|l| RecurrentSpec { dropout: input, recurrent_dropout: recurrent, ..l.clone() }).collect()
}

#[test]
fn with_nothing_fed_back_the_step_by_step_pass_equals_the_layer_major_one() {
    for (name, layers) in cells_and_stacks() {
        for dropout in [false, true] {
            let layers = if dropout { with_dropout(&layers, 0.3, 0.2) } else { layers.clone() };
            let c = case(layers, 7);
            let what = format!("{name}, dropout {dropout}");
            let targets = Targets::Values(&c.targets);
            let (mut ws, mut fed_ws) = (Workspace::default(), Workspace::default());
            let n = c.model.params.len();
            let (mut g, mut fed_g) = (vec![0.0; n], vec![0.0; n]);
            // The same dropout masks on both paths: drawn from the same seed.
            let l = c.model.loss_and_grads(&input(&c.values, None), &targets, &mut g, &mut ws, &mut Dropout::Sample(&mut rng(3))).unwrap();
            let fl = c
                .model
                .loss_and_grads(&input(&c.values, Some(T)), &targets, &mut fed_g, &mut fed_ws, &mut Dropout::Sample(&mut rng(3)))
                .unwrap();
            assert_close(&format!("{what}: loss"), &[fl], &[l], 1e-6, 1e-5);
            assert_close(&format!("{what}: outputs"), &fed_ws.outputs, &ws.outputs, 1e-6, 1e-5);
            assert_close(&format!("{what}: gradient"), &fed_g, &g, 1e-6, 1e-4);
        }
    }
}

#[test]
fn fed_back_outputs_equal_the_reference_rerun_on_its_own_predictions() {
    for (name, layers) in cells_and_stacks() {
        let c = case(layers, 11);
        for from in [1, 3, T - 1] {
            let mut ws = Workspace::default();
            c.model.forward(&input(&c.values, Some(from)), &mut ws).unwrap();
            let (_, want) = reference_fed(&c.model, &c.values, &c.targets, from, 0, &[]);
            assert_close(&format!("{name} from {from}: outputs"), &ws.outputs, &want, 1e-5, 1e-4);
            // Steps before `from` read the data: their outputs are the teacher-forced ones.
            let mut tf = Workspace::default();
            c.model.forward(&input(&c.values, None), &mut tf).unwrap();
            for b in 0..B {
                let r = b * T..b * T + from;
                assert_eq!(&ws.outputs[r.clone()], &tf.outputs[r], "{name} from {from}: steps before the first fed one");
            }
        }
    }
}

#[test]
fn the_gradient_through_fed_back_predictions_matches_finite_differences_of_the_reference() {
    for (name, layers) in cells_and_stacks() {
        // With a warm-up too: the steps left out of the loss still pass their predictions on.
        for (dropout, loss_from) in [(false, 0), (true, 0), (false, 3)] {
            let layers = if dropout { with_dropout(&layers, 0.25, 0.25) } else { layers.clone() };
            let mut c = case(layers, 21);
            let from = 2;
            let mut ws = Workspace::default();
            let mut g = vec![0.0; c.model.params.len()];
            let x = Input { loss_from, ..input(&c.values, Some(from)) };
            c.model.loss_and_grads(&x, &Targets::Values(&c.targets), &mut g, &mut ws, &mut Dropout::Sample(&mut rng(5))).unwrap();
            let masks: Vec<Vec<DropoutMasks>> = ws.layers.iter().map(|l| l.drop.clone()).collect();
            let mut failures = Vec::new();
            #[allow(clippy::needless_range_loop)] // `i` indexes the weights, changed in place
            for i in 0..c.model.params.len() {
                // Relu's kinks: a step that straddles one gives a wrong difference, so a smaller
                // step is tried (with a tolerance for the f32 loss's rounding at that step); a
                // wrong gradient disagrees at every step.
                let agrees = [(1e-2f32, 3e-4f32), (1e-3, 5e-4), (1e-4, 3e-3)].iter().any(|&(eps, atol)| {
                    let orig = c.model.params.values[i];
                    c.model.params.values[i] = orig + eps;
                    let (lu, _) = reference_fed(&c.model, &c.values, &c.targets, from, loss_from, &masks);
                    c.model.params.values[i] = orig - eps;
                    let (ld, _) = reference_fed(&c.model, &c.values, &c.targets, from, loss_from, &masks);
                    c.model.params.values[i] = orig;
                    let num = (lu - ld) / (2.0 * eps);
                    (num - g[i]).abs() <= atol + 3e-2 * num.abs().max(g[i].abs())
                });
                if !agrees {
                    failures.push(format!("[{i}] analytic {:.6}", g[i]));
                }
            }
            assert!(
                failures.is_empty(),
                "{name}, dropout {dropout}, loss from {loss_from}: {} of {} differ: {}",
                failures.len(),
                g.len(),
                failures.join("; ")
            );
            // And the feedback matters: the teacher-forced gradient is a different one.
            let mut tf = vec![0.0; g.len()];
            c.model
                .loss_and_grads(&input(&c.values, None), &Targets::Values(&c.targets), &mut tf, &mut ws, &mut Dropout::Sample(&mut rng(5)))
                .unwrap();
            assert!(g.iter().zip(&tf).any(|(a, b)| (a - b).abs() > 1e-3), "{name}: feedback changed nothing");
        }
    }
}

#[test]
fn every_backend_trains_through_fed_back_predictions() {
    // With every step scored, and with the first three left out of the loss (the warm-up).
    for (&kind, loss_from) in BackendKind::available().iter().flat_map(|k| [(k, 0), (k, 3)]) {
        let c = case(vec![layer(CellKind::Gru { reset_after: true }, 5, None)], 31);
        let x = Input { loss_from, ..input(&c.values, Some(2)) };
        let targets = Targets::Values(&c.targets);
        let mut want = vec![0.0; c.model.params.len()];
        let want_loss = c.model.loss_and_grads(&x, &targets, &mut want, &mut Workspace::default(), &mut Dropout::Off).unwrap();
        let setup = |model: Model| Setup {
            model,
            optimizer: OptimizerSpec::Sgd { lr: 0.1, momentum: 0.0, nesterov: false },
            clipping: Clipping::None,
            schedule: Schedule::Constant,
            seed: 1,
        };
        let mut be = backend::create(kind, setup(c.model.clone())).unwrap();
        let (loss, grads) = be.gradients(&x, &targets).unwrap();
        if kind == BackendKind::Cpu {
            assert_eq!(loss, want_loss, "{kind:?}, loss from {loss_from}");
            assert_eq!(grads, want, "{kind:?}, loss from {loss_from}");
        } else {
            // Another order of summation (the GPU's kernels).
            assert_close(&format!("{kind:?}, loss from {loss_from}: loss"), &[loss], &[want_loss], 1e-6, 1e-4);
            assert_close(&format!("{kind:?}, loss from {loss_from}: gradients"), &grads, &want, 1e-6, 1e-3);
        }
        // Trained in two parts, a step of plain SGD is the whole batch's gradient, exactly as
        // fed back (the parts keep the feedback).
        be.set_parts(2);
        let before = be.weights();
        be.train_batch(&x, &targets).unwrap();
        let after = be.weights();
        let step: Vec<f32> = before.iter().zip(&after).map(|(b, a)| (b - a) / 0.1).collect();
        assert_close(&format!("{kind:?}, loss from {loss_from}: SGD step in parts"), &step, &want, 1e-4, 1e-3);
    }
}

#[test]
fn what_cannot_read_its_own_output_is_refused_with_a_reason() {
    let refused = |spec: ModelSpec, features: usize, mask: Option<&[f32]>, from: usize| -> String {
        let model = Model::new(spec, 1).unwrap();
        let values = vec![0.5; B * T * features];
        let x = Input { batch: B, time: T, data: InputData::Values(&values), mask, feedback: Some(from), loss_from: 0 };
        match model.forward(&x, &mut Workspace::default()) {
            Err(EngineError::InvalidInput(m)) => m,
            other => panic!("expected a refusal, got {other:?}"),
        }
    };
    let gru = || layer(CellKind::Gru { reset_after: true }, 3, None);
    assert!(refused(seq_model(2, vec![gru()], 1), 2, None, 2).contains("cannot be its input"));
    assert!(refused(seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 3, Some(Merge::Concat))], 1), 1, None, 2)
        .contains("Bidirectional"));
    assert!(refused(seq_model(1, vec![gru()], 1), 1, Some(&[1.0; B * T]), 2).contains("mask"));
    assert!(refused(seq_model(1, vec![gru()], 1), 1, None, 0).contains("between 1 and"));
    assert!(refused(seq_model(1, vec![gru()], 1), 1, None, T + 1).contains("between 1 and"));
    let last_state = ModelSpec { return_sequences: false, ..seq_model(1, vec![gru()], 1) };
    assert!(refused(last_state, 1, None, 2).contains("every step"));
}
