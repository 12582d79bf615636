//! The gradient reaching every step's states (`Backend::state_gradients`,
//! `Model::loss_and_state_grads`), on every cell, Bidirectional merge, stack, mask and head:
//!
//! 1. element by element against the naive reference's own backward pass (`reference::state_gradients`);
//! 2. on every backend, the norms against central differences of the reference's loss with one state
//!    changed (`reference::loss_with_nudge`: a forward pass only, in f64), and against the reference;
//! 3. recording changes nothing else, and bad rows are refused.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::backend::{self, Backend, BackendKind, Setup};
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{Dropout, Merge, ModelSpec, RecurrentSpec};
use unroll::engine::reference::{self, Nudge};
use unroll::engine::train::{global_norm, Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, Model, Targets, Workspace};

use crate::common::*;

/// `|fast - reference| <= ATOL + RTOL·|reference|` (f32 fast path, f64 reference).
const ATOL: f32 = 1e-5;
const RTOL: f32 = 1e-4;

/// How the model reads its input and what it ends in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Values, a Dense head per step, MSE (`return_sequences`).
    Seq,
    /// Values, Dense on the last state, MSE.
    Last,
    /// Token ids (`mask_zero`, post-padded), Dense logits on the last state, cross-entropy.
    Classifier,
}

/// A model with weights and a batch, owned.
struct Case {
    name: String,
    model: Model,
    data: Batch,
}

impl Case {
    fn new(name: &str, layers: Vec<RecurrentSpec>, kind: Kind, masked: bool, seed: u64) -> Case {
        let (batch, time) = (3, 6);
        let mut r = rng(seed);
        let spec = match kind {
            Kind::Seq => seq_model(2, layers, 2),
            Kind::Last => ModelSpec { return_sequences: false, ..seq_model(2, layers, 2) },
            Kind::Classifier => cls_model(9, 3, true, layers, 3),
        };
        let mut model = Model::zeroed(spec).unwrap();
        model.params.values = uniform_vec(&mut r, model.params.len(), -0.5, 0.5);
        // Explicit masks with holes and pre-padding; tokens post-padded to lengths 6, 4, 2.
        let mask = masked.then(|| (0..batch * time).map(|i| if (i % time + i / time) % 3 == 1 { 0.0 } else { 1.0 }).collect());
        let tokens = if kind == Kind::Classifier {
            (0..batch * time).map(|i| if i % time < time - 2 * (i / time) { 1 + (i as u32 * 5) % 8 } else { 0 }).collect()
        } else {
            Vec::new()
        };
        let values = if kind == Kind::Classifier { Vec::new() } else { uniform_vec(&mut r, batch * time * 2, -1.0, 1.0) };
        let rows = if kind == Kind::Seq { batch * time } else { batch };
        let targets = if kind == Kind::Classifier { Vec::new() } else { uniform_vec(&mut r, rows * 2, -1.0, 1.0) };
        let labels = if kind == Kind::Classifier { vec![2, 0, 1] } else { Vec::new() };
        Case { name: name.to_string(), model, data: Batch { batch, time, values, tokens, mask, targets, labels } }
    }

    /// Row `b` as a case of its own.
    fn row(&self, b: usize) -> Case {
        Case { name: format!("{} row {b}", self.name), model: self.model.clone(), data: self.data.row(b) }
    }
}

/// Every cell, every Bidirectional merge, stacks, masks (explicit with holes, and `mask_zero`),
/// and every head.
fn cases() -> Vec<Case> {
    let l = |cell, units, bi| layer(cell, units, bi);
    let tanh = CellKind::SimpleRnn { activation: Activation::Tanh };
    let relu = CellKind::SimpleRnn { activation: Activation::Relu };
    let elu = CellKind::SimpleRnn { activation: Activation::Elu };
    let lstm = CellKind::Lstm { peephole: false };
    let peep = CellKind::Lstm { peephole: true };
    let gru_a = CellKind::Gru { reset_after: true };
    let gru_b = CellKind::Gru { reset_after: false };
    vec![
        Case::new("SimpleRNN tanh, seq", vec![l(tanh, 3, None)], Kind::Seq, false, 1),
        Case::new("SimpleRNN relu, last, masked", vec![l(relu, 4, None)], Kind::Last, true, 2),
        Case::new("LSTM, seq, masked", vec![l(lstm, 3, None)], Kind::Seq, true, 3),
        Case::new("LSTM peephole, classifier", vec![l(peep, 3, None)], Kind::Classifier, false, 4),
        Case::new("LSTM peephole, last, masked", vec![l(peep, 2, None)], Kind::Last, true, 5),
        Case::new("GRU reset-after, classifier", vec![l(gru_a, 3, None)], Kind::Classifier, false, 6),
        Case::new("GRU reset-after, seq, masked", vec![l(gru_a, 3, None)], Kind::Seq, true, 7),
        Case::new("GRU reset-before, seq, masked", vec![l(gru_b, 3, None)], Kind::Seq, true, 8),
        Case::new("GRU reset-before, last", vec![l(gru_b, 3, None)], Kind::Last, false, 9),
        Case::new("Bi LSTM concat, seq, masked", vec![l(lstm, 3, Some(Merge::Concat))], Kind::Seq, true, 10),
        Case::new("Bi GRU mul, classifier, masked", vec![l(gru_a, 3, Some(Merge::Mul))], Kind::Classifier, true, 11),
        Case::new("Bi SimpleRNN sum, last", vec![l(tanh, 3, Some(Merge::Sum))], Kind::Last, false, 12),
        Case::new("Bi GRU reset-before ave, seq", vec![l(gru_b, 2, Some(Merge::Ave))], Kind::Seq, false, 13),
        Case::new(
            "LSTM → Bi GRU ave → SimpleRNN elu, seq, masked",
            vec![l(lstm, 3, None), l(gru_a, 2, Some(Merge::Ave)), l(elu, 3, None)],
            Kind::Seq,
            true,
            14,
        ),
        Case::new(
            "Bi LSTM peephole concat → LSTM, classifier, masked",
            vec![l(peep, 2, Some(Merge::Concat)), l(lstm, 3, None)],
            Kind::Classifier,
            true,
            15,
        ),
    ]
}

fn norm(v: &[f64]) -> f32 {
    v.iter().map(|x| x * x).sum::<f64>().sqrt() as f32
}

#[test]
fn the_model_records_what_the_reference_computes_element_by_element() {
    for c in cases() {
        let (input, targets) = (c.data.input(), c.data.targets());
        let mut ws = Workspace::default();
        let mut grads = vec![0.0; c.model.params.len()];
        let loss = c.model.loss_and_state_grads(&input, &targets, &mut grads, &mut ws).unwrap();
        let (outcome, states) = reference::state_gradients(&c.model, &input, &targets).unwrap();
        assert_close(&format!("{}: loss", c.name), &[loss], &[outcome.loss], ATOL, RTOL);
        assert_close(&format!("{}: weight gradients", c.name), &grads, &outcome.grads, ATOL, RTOL);
        for (k, l) in c.model.spec.layers.iter().enumerate() {
            for (d, (rh, rc)) in states[k].iter().enumerate() {
                let (dh, dc) = ws.state_grads(k, d).expect("recorded");
                let what = format!("{}: rnn{k} dir {d}", c.name);
                assert_close(&format!("{what} dh"), &by_time_index(dh, 0, d == 1, c.data.batch, c.data.time, l.units), rh, ATOL, RTOL);
                assert_close(&format!("{what} dc"), &by_time_index(dc, 0, d == 1, c.data.batch, c.data.time, l.units), rc, ATOL, RTOL);
                assert_eq!(dc.is_empty(), !l.cell.has_cell_state(), "{what}: dc only for an LSTM");
                assert!(rh.iter().filter(|v| v.abs() > 1e-6).count() * 2 > rh.len(), "{what}: most of dh is not zero");
            }
        }
        // A pass that does not ask records nothing.
        c.model.loss_and_grads(&input, &targets, &mut grads, &mut ws, &mut Dropout::Off).unwrap();
        assert!(ws.state_grads(0, 0).is_none(), "{}: not recorded unless asked", c.name);
    }
}

fn start(kind: BackendKind, model: &Model) -> Box<dyn Backend> {
    let setup = Setup {
        model: model.clone(),
        optimizer: OptimizerSpec::adam(1e-2),
        clipping: Clipping::None,
        schedule: Schedule::Constant,
        seed: 1,
    };
    backend::create(kind, setup).unwrap()
}

/// Central difference of the reference's loss over every unit of one state: the gradient vector.
fn numeric(c: &Case, layer: usize, dir: usize, t: usize, cell: bool) -> Vec<f64> {
    const EPS: f64 = 1e-5;
    let (input, targets) = (c.data.input(), c.data.targets());
    (0..c.model.spec.layers[layer].units)
        .map(|unit| {
            let at =
                |delta| reference::loss_with_nudge(&c.model, &input, &targets, Nudge { row: 0, layer, dir, t, unit, cell, delta }).unwrap();
            (at(EPS) - at(-EPS)) / (2.0 * EPS)
        })
        .collect()
}

#[test]
fn every_backend_agrees_with_finite_differences_of_a_nudged_state() {
    for kind in BackendKind::available() {
        for c in cases() {
            let mut b = start(kind, &c.model);
            // The last row: masked steps where the case has a mask, padding for the classifiers.
            for row in [0, c.data.batch - 1] {
                let got = b.state_gradients(&c.data.input(), &c.data.targets(), row).unwrap();
                let one = c.row(row);
                let what = format!("{kind:?} {}", one.name);
                let (outcome, states) = reference::state_gradients(&one.model, &one.data.input(), &one.data.targets()).unwrap();
                assert_eq!(got.time, c.data.time);
                assert_close(&format!("{what}: loss"), &[got.loss], &[outcome.loss], ATOL, RTOL);
                assert_close(&format!("{what}: weight-gradient norm"), &[got.grad_norm], &[global_norm(&outcome.grads)], ATOL, RTOL);
                assert_eq!(got.layers.len(), c.model.spec.layers.len());
                for (k, l) in c.model.spec.layers.iter().enumerate() {
                    assert_eq!(got.layers[k].len(), states[k].len(), "{what}: rnn{k} directions");
                    for (d, dir) in got.layers[k].iter().enumerate() {
                        assert_eq!((dir.units, dir.h.len()), (l.units, c.data.time));
                        assert_eq!(dir.c.len(), if l.cell.has_cell_state() { c.data.time } else { 0 });
                        for i in 0..c.data.time {
                            // Entry i is the direction's i-th step; the backward one reads T-1-i.
                            let t = if d == 1 { c.data.time - 1 - i } else { i };
                            let w = format!("{what}: rnn{k} dir {d} step {i} (time index {t})");
                            let u = l.units;
                            let reference_h: Vec<f64> = states[k][d].0[t * u..(t + 1) * u].iter().map(|&v| v as f64).collect();
                            assert_close(&format!("{w}: ‖dh‖ against the reference"), &[dir.h[i]], &[norm(&reference_h)], ATOL, RTOL);
                            assert_close(
                                &format!("{w}: ‖dh‖ against differences"),
                                &[dir.h[i]],
                                &[norm(&numeric(&one, k, d, t, false))],
                                ATOL,
                                1e-3,
                            );
                            if l.cell.has_cell_state() {
                                let reference_c: Vec<f64> = states[k][d].1[t * u..(t + 1) * u].iter().map(|&v| v as f64).collect();
                                assert_close(&format!("{w}: ‖dc‖ against the reference"), &[dir.c[i]], &[norm(&reference_c)], ATOL, RTOL);
                                assert_close(
                                    &format!("{w}: ‖dc‖ against differences"),
                                    &[dir.c[i]],
                                    &[norm(&numeric(&one, k, d, t, true))],
                                    ATOL,
                                    1e-3,
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The reference's own state gradients, element by element, against differences of its loss: the
/// specification is self-consistent (a nudge and a backward pass are two independent routes).
#[test]
fn the_reference_state_gradients_agree_with_its_own_differences() {
    for c in cases() {
        let one = c.row(c.data.batch - 1);
        let (_, states) = reference::state_gradients(&one.model, &one.data.input(), &one.data.targets()).unwrap();
        for (k, l) in one.model.spec.layers.iter().enumerate() {
            for (d, (rh, rc)) in states[k].iter().enumerate() {
                for t in 0..one.data.time {
                    let u = l.units;
                    let num: Vec<f32> = numeric(&one, k, d, t, false).iter().map(|&v| v as f32).collect();
                    assert_close(&format!("{}: rnn{k} dir {d} t {t} dh", one.name), &rh[t * u..(t + 1) * u], &num, 1e-6, 1e-4);
                    if !rc.is_empty() {
                        let num: Vec<f32> = numeric(&one, k, d, t, true).iter().map(|&v| v as f32).collect();
                        assert_close(&format!("{}: rnn{k} dir {d} t {t} dc", one.name), &rc[t * u..(t + 1) * u], &num, 1e-6, 1e-4);
                    }
                }
            }
        }
    }
}

#[test]
fn state_gradients_change_nothing_and_refuse_bad_rows() {
    for kind in BackendKind::available() {
        let c = Case::new("LSTM, seq, masked", vec![layer(CellKind::Lstm { peephole: false }, 3, None)], Kind::Seq, true, 3);
        let (input, targets) = (c.data.input(), c.data.targets());
        let mut b = start(kind, &c.model);
        let before = b.gradients(&input, &targets).unwrap();
        let first = b.state_gradients(&input, &targets, 1).unwrap();
        assert_eq!(b.weights(), c.model.params.values, "{kind:?}: no update");
        assert_eq!(b.gradients(&input, &targets).unwrap(), before, "{kind:?}: gradients as before");
        assert_eq!(b.state_gradients(&input, &targets, 1).unwrap(), first, "{kind:?}: the same twice");
        b.train_batch(&input, &targets).unwrap();
        assert_ne!(b.state_gradients(&input, &targets, 1).unwrap(), first, "{kind:?}: new weights, new gradients");
        assert!(b.state_gradients(&input, &targets, 3).is_err(), "{kind:?}: a row past the batch");
        assert!(b.state_gradients(&input, &Targets::Values(&c.data.targets[1..]), 0).is_err(), "{kind:?}: targets that do not split");
        let short_mask = Input { mask: Some(&[1.0; 5]), ..input };
        assert!(b.state_gradients(&short_mask, &targets, 0).is_err(), "{kind:?}: a mask of the wrong size");
        let cls = Case::new("GRU classifier", vec![layer(CellKind::Gru { reset_after: true }, 2, None)], Kind::Classifier, false, 6);
        let mut b = start(kind, &cls.model);
        assert!(b.state_gradients(&cls.data.input(), &Targets::Classes(&[0, 1]), 0).is_err(), "{kind:?}: labels for two rows of three");
        assert!(b.state_gradients(&cls.data.input(), &cls.data.targets(), 2).is_ok());
    }
}
