//! Every backward pass against central finite differences: each cell and activation, the Dense
//! head, masking, every Bidirectional merge mode, stacking, and the embedding.
//!
//! The engine is f32, so differences use a step of 1e-2 on weights drawn in (-0.5, 0.5) and a
//! tolerance that f32 rounding and the O(eps²) truncation fit in, but a wrong gradient does not.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{Dropout, Merge, ModelSpec};
use unroll::engine::{Input, InputData, Model, Targets, Workspace};

use crate::common::*;

const EPS: f32 = 1e-2;

/// A batch for `spec`: values `[3, 5, features]` or token ids with padding.
struct Case {
    values: Vec<f32>,
    tokens: Vec<u32>,
    mask: Option<Vec<f32>>,
    targets: Vec<f32>,
    labels: Vec<u32>,
    /// `Input::loss_from`: steps of each sequence left out of the loss.
    loss_from: usize,
}

const B: usize = 3;
const T: usize = 5;

fn case_for(spec: &ModelSpec, seed: u64, explicit_mask: bool) -> Case {
    let mut r = rng(seed);
    let features = spec.layer_input_dim(0);
    let tokens: Vec<u32> = {
        // Post-padded with 0 to lengths 5, 3, 1 (the golden files' layout).
        let lens = [5, 3, 1];
        (0..B)
            .flat_map(|b| (0..T).map(move |t| (b, t)))
            .map(|(b, t)| if t < lens[b] { 1 + ((b * 7 + t * 3) as u32 % 9) } else { 0 })
            .collect()
    };
    let mask = explicit_mask.then(|| (0..B * T).map(|i| if i % T < T - (i / T) { 1.0 } else { 0.0 }).collect());
    Case {
        values: uniform_vec(&mut r, B * T * features, -1.0, 1.0),
        tokens,
        mask,
        targets: uniform_vec(&mut r, B * T * spec.dense_units, -1.0, 1.0),
        labels: vec![0, 2, 1],
        loss_from: 0,
    }
}

fn loss_of(model: &Model, c: &Case, ws: &mut Workspace, grads: Option<&mut [f32]>) -> f32 {
    let data = if model.spec.input.is_values() { InputData::Values(&c.values) } else { InputData::Tokens(&c.tokens) };
    let input = Input { batch: B, time: T, data, mask: c.mask.as_deref(), feedback: None, loss_from: c.loss_from };
    let targets = if model.spec.return_sequences { Targets::Values(&c.targets) } else { Targets::Classes(&c.labels) };
    match grads {
        Some(g) => model.loss_and_grads(&input, &targets, g, ws, &mut Dropout::Reuse).unwrap(),
        None => model.loss(&input, &targets, ws, &mut Dropout::Reuse).unwrap(),
    }
}

/// Checks every weight's gradient against a central difference.
fn check(name: &str, spec: ModelSpec, explicit_mask: bool) {
    check_from(name, spec, explicit_mask, 0)
}

/// [`check`] with the first `loss_from` steps of each sequence left out of the loss.
fn check_from(name: &str, spec: ModelSpec, explicit_mask: bool, loss_from: usize) {
    let mut model = Model::zeroed(spec.clone()).unwrap();
    let mut r = rng(99);
    model.params.values = uniform_vec(&mut r, model.params.len(), -0.5, 0.5);
    let c = Case { loss_from, ..case_for(&spec, 5, explicit_mask) };
    let mut ws = Workspace::default();
    // Dropout masks are drawn once and then held fixed for every difference below.
    let data = if spec.input.is_values() { InputData::Values(&c.values) } else { InputData::Tokens(&c.tokens) };
    let input = Input { batch: B, time: T, data, mask: c.mask.as_deref(), feedback: None, loss_from };
    model.forward_with(&input, &mut ws, &mut Dropout::Sample(&mut rng(3))).unwrap();
    let mut grads = vec![0.0; model.params.len()];
    loss_of(&model, &c, &mut ws, Some(&mut grads));
    let mut failures = Vec::new();
    let mut loss_at = |model: &mut Model, i: usize, delta: f32| {
        let orig = model.params.values[i];
        model.params.values[i] = orig + delta;
        let l = loss_of(model, &c, &mut ws, None);
        model.params.values[i] = orig;
        l
    };
    let agree = |num: f32, ana: f32| (num - ana).abs() <= 2e-4 + 2e-2 * num.abs().max(ana.abs());
    for (i, &ana) in grads.iter().enumerate() {
        let num = (loss_at(&mut model, i, EPS) - loss_at(&mut model, i, -EPS)) / (2.0 * EPS);
        if agree(num, ana) {
            continue;
        }
        // Relu-like activations have kinks, and with a hundred pre-activations one often lies
        // within a step of the current weights: there the central difference is meaningless.
        // Try a five times smaller step; if a kink lies within even that, the analytic gradient
        // must equal one of the one-sided slopes (a subgradient).
        let e = EPS / 5.0;
        let l0 = loss_at(&mut model, i, 0.0);
        let (left, right) = ((l0 - loss_at(&mut model, i, -e)) / e, (loss_at(&mut model, i, e) - l0) / e);
        let kink = !agree(left, right);
        let smaller_step_agrees = agree(0.5 * (left + right), ana);
        if !(smaller_step_agrees || kink && (agree(left, ana) || agree(right, ana))) {
            let owner = model.params.infos.iter().find(|p| p.at.offset <= i && i < p.at.offset + p.at.len).unwrap();
            failures.push(format!(
                "{}[{}]: numeric {num:.6} (left {left:.6}, right {right:.6}) analytic {ana:.6}",
                owner.name,
                i - owner.at.offset
            ));
        }
    }
    // A weight that gets no gradient at all would make this test vacuous; make sure most do.
    let nonzero = grads.iter().filter(|g| g.abs() > 1e-7).count();
    assert!(nonzero * 4 > grads.len(), "{name}: only {nonzero} of {} gradients are non-zero", grads.len());
    assert!(failures.is_empty(), "{name}: {} of {} gradients disagree:\n{}", failures.len(), grads.len(), failures.join("\n"));
}

fn cell_name(c: CellKind) -> String {
    format!("{c:?}")
}

#[test]
fn every_cell_per_step_regression() {
    for cell in all_cells() {
        check(&cell_name(cell), seq_model(2, vec![layer(cell, 4, None)], 2), false);
    }
}

#[test]
fn every_cell_with_a_warm_up_left_out_of_the_loss() {
    for cell in all_cells() {
        check_from(&format!("warm-up 2, {}", cell_name(cell)), seq_model(2, vec![layer(cell, 4, None)], 2), false, 2);
        check_from(&format!("warm-up 4 of 5, masked, {}", cell_name(cell)), seq_model(1, vec![layer(cell, 3, None)], 1), true, 4);
    }
}

#[test]
fn every_cell_with_an_explicit_mask() {
    for cell in all_cells() {
        check(&format!("masked {}", cell_name(cell)), seq_model(2, vec![layer(cell, 3, None)], 1), true);
    }
}

#[test]
fn every_cell_classifier_with_embedding_and_mask_zero() {
    for cell in all_cells() {
        check(&format!("cls {}", cell_name(cell)), cls_model(10, 3, true, vec![layer(cell, 4, None)], 3), false);
    }
}

#[test]
fn every_bidirectional_merge_mode() {
    for merge in [Merge::Concat, Merge::Sum, Merge::Ave, Merge::Mul] {
        for cell in
            [CellKind::Lstm { peephole: false }, CellKind::Gru { reset_after: true }, CellKind::SimpleRnn { activation: Activation::Tanh }]
        {
            let name = format!("bi {merge:?} {}", cell_name(cell));
            check(&name, cls_model(10, 3, true, vec![layer(cell, 3, Some(merge))], 3), false);
            check(&format!("{name} seq"), seq_model(2, vec![layer(cell, 3, Some(merge))], 1), true);
        }
    }
}

#[test]
fn stacked_layers_mixed_cells() {
    let stack = vec![
        layer(CellKind::Lstm { peephole: false }, 3, Some(Merge::Concat)),
        layer(CellKind::Gru { reset_after: false }, 4, None),
        layer(CellKind::SimpleRnn { activation: Activation::Tanh }, 3, Some(Merge::Sum)),
    ];
    check("stacked cls", cls_model(10, 3, true, stack.clone(), 4), false);
    check("stacked seq", seq_model(2, stack, 2), false);
}

/// Dropout with fixed masks: input only (one mask shared by the gates), and input + recurrent
/// (one mask per gate for LSTM and GRU, as Keras's implementation 1).
#[test]
fn every_cell_with_fixed_dropout_masks() {
    for cell in all_cells() {
        for (rate, recurrent) in [(0.3, 0.0), (0.3, 0.25), (0.0, 0.4)] {
            let mut l = layer(cell, 4, None);
            l.dropout = rate;
            l.recurrent_dropout = recurrent;
            check(&format!("{} dropout {rate} recurrent {recurrent}", cell_name(cell)), seq_model(3, vec![l.clone()], 2), true);
            let mut bi = l;
            bi.bidirectional = Some(Merge::Concat);
            check(&format!("bi {} dropout {rate} recurrent {recurrent}", cell_name(cell)), cls_model(10, 3, true, vec![bi], 3), false);
        }
    }
}
