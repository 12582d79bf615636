//! The naive reference path (`engine::reference`, the specification):
//!
//! 1. it agrees with Keras's golden files (through `golden::check_with(.., Path::Reference)`, the
//!    same parsing the fast path's check uses), and so does the fast path through the same code;
//! 2. the fast path agrees with it on many random cases (every cell, masking, every Bidirectional
//!    merge mode, stacks of mixed cells, values + per-step MSE and tokens + cross-entropy, dropout
//!    with the masks the fast path drew): loss, outputs, probabilities, every state of every
//!    direction, and every gradient, within `1e-5 + 1e-4·|reference|`;
//! 3. its own gradients agree with finite differences of its own loss (it is self-consistent on the
//!    cases the golden files do not cover: peepholes, relu-like activations, dropout, merges);
//! 4. it rejects bad input with an error instead of panicking.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use unroll::engine::cells::CellKind;
use unroll::engine::model::{Dropout, DropoutMasks, InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use unroll::engine::reference::{self, Outcome};
use unroll::engine::train::init;
use unroll::engine::{EngineError, Input, InputData, Model, Targets, Workspace};
use unroll::golden::{check_with, Path};

use crate::common::*;

/// `|fast - reference| <= ATOL + RTOL·|reference|` for every value (f32 fast path, f64 reference).
const ATOL: f32 = 1e-5;
const RTOL: f32 = 1e-4;

const MERGES: [Merge; 4] = [Merge::Concat, Merge::Sum, Merge::Ave, Merge::Mul];

// ---------------------------------------------------------------------------------------------
// 1. Golden files, on both paths.

fn assert_golden(file: &str, json: &str) {
    for path in Path::all() {
        let report = check_with(json, path).unwrap_or_else(|e| panic!("{file} ({}): {e}", path.name()));
        let bad: Vec<String> = report
            .comparisons
            .iter()
            .filter(|c| !c.ok())
            .map(|c| format!("{}: max abs {:.3e}, max rel {:.3e}, {} of {} outside", c.name, c.max_abs, c.max_rel, c.failures, c.count))
            .collect();
        assert!(bad.is_empty(), "{file} ({} path):\n{}", path.name(), bad.join("\n"));
        for prefix in ["forward.", "traces.", "loss", "grads."] {
            assert!(report.comparisons.iter().any(|c| c.name.starts_with(prefix)), "{file}: nothing compared for {prefix}");
        }
    }
}

macro_rules! golden {
    ($($test:ident => $file:literal),* $(,)?) => {$(
        #[test]
        fn $test() {
            assert_golden($file, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/", $file)));
        }
    )*};
}

golden! {
    golden_seq_simple_rnn => "seq_simple_rnn.json",
    golden_seq_lstm => "seq_lstm.json",
    golden_simple_rnn_classifier => "simple_rnn.json",
    golden_lstm_classifier => "lstm.json",
    golden_gru_reset_after => "gru_reset_after.json",
    golden_gru_reset_before => "gru_reset_before.json",
    golden_bidirectional_lstm => "bilstm.json",
    golden_lstm_masked => "lstm_masked.json",
}

/// Every file in the folder, so that new golden files are checked on both paths without a code change.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn golden_every_file_in_the_folder_on_both_paths() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).expect("../shared/golden beside the repository") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            assert_golden(&path.display().to_string(), &std::fs::read_to_string(&path).unwrap());
            n += 1;
        }
    }
    assert!(n >= 8, "expected the golden files, found {n}");
}

#[test]
fn golden_a_perturbed_file_fails_on_the_reference_path() {
    let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/golden/bilstm.json"));
    let mut v: serde_json::Value = serde_json::from_str(json).unwrap();
    let g = &mut v["grads"]["rnn0.backward.recurrent_kernel"][0][0];
    *g = serde_json::json!(g.as_f64().unwrap() * 1.01 + 1e-4);
    let report = check_with(&v.to_string(), Path::Reference).unwrap();
    let bad: Vec<&str> = report.comparisons.iter().filter(|c| !c.ok()).map(|c| c.name.as_str()).collect();
    assert_eq!(bad, ["grads.rnn0.backward.recurrent_kernel"]);
}

// ---------------------------------------------------------------------------------------------
// 2. The fast path against the reference on random cases.

/// What the model ends in.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Head {
    /// Dense at every step, MSE (`return_sequences`).
    SeqMse,
    /// Dense on the last state, MSE.
    LastMse,
    /// Dense logits on the last state, sparse categorical cross-entropy.
    LastCe,
}

/// How padding is marked.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Masking {
    None,
    /// `Input::mask`
    Explicit,
    /// `mask_zero` with id 0 as padding (token input only; values fall back to `Explicit`).
    Zero,
    /// Both, multiplied.
    Both,
}

/// One random case: a model shape and a batch; sizes and values drawn from `seed`.
#[derive(Clone, Debug)]
struct Recipe {
    layers: Vec<RecurrentSpec>,
    tokens: bool,
    head: Head,
    masking: Masking,
    batch: usize,
    time: usize,
    /// Draw dropout masks (with the layers' rates) and reuse them in the fast path's backward pass.
    dropout: bool,
    seed: u64,
}

/// A 0/1 padding pattern for one sequence: all real, post-padded to a random length (possibly 0),
/// or arbitrary steps masked (pre-padding and holes included).
fn pattern(r: &mut ChaCha8Rng, time: usize) -> Vec<bool> {
    match r.random_range(0..3) {
        0 => vec![true; time],
        1 => {
            let len = r.random_range(0..=time);
            (0..time).map(|t| t < len).collect()
        }
        _ => (0..time).map(|_| r.random_bool(0.65)).collect(),
    }
}

fn build(rec: &Recipe) -> (Model, Batch) {
    let mut r = rng(rec.seed);
    let (batch, time) = (rec.batch, rec.time);
    let mask_zero = rec.tokens && matches!(rec.masking, Masking::Zero | Masking::Both);
    let explicit = matches!(rec.masking, Masking::Explicit | Masking::Both) || (!rec.tokens && rec.masking == Masking::Zero);
    let input = if rec.tokens {
        InputSpec::Tokens { vocab: r.random_range(4..12), dim: r.random_range(1..=4), mask_zero }
    } else {
        InputSpec::Values { features: r.random_range(1..=3) }
    };
    let (return_sequences, loss, dense_units) = match rec.head {
        Head::SeqMse => (true, LossKind::Mse, r.random_range(1..=3)),
        Head::LastMse => (false, LossKind::Mse, r.random_range(1..=3)),
        Head::LastCe => (false, LossKind::SparseCategoricalCrossentropy, r.random_range(2..=4)),
    };
    let spec = ModelSpec { input: input.clone(), layers: rec.layers.clone(), return_sequences, dense_units, loss };
    let mut model = Model::zeroed(spec).unwrap();
    // Every weight non-zero (biases too), in the golden files' range.
    model.params.values = uniform_vec(&mut r, model.params.len(), -0.5, 0.5);
    let mut tokens = Vec::new();
    let mut values = Vec::new();
    match input {
        InputSpec::Tokens { vocab, .. } => {
            for _ in 0..batch {
                let real = pattern(&mut r, time);
                for &is_real in &real {
                    // With mask_zero, 0 is padding; without, 0 is an ordinary token.
                    let lo = if mask_zero { 1 } else { 0 };
                    tokens.push(if mask_zero && !is_real { 0 } else { r.random_range(lo..vocab as u32) });
                }
            }
        }
        InputSpec::Values { features } => values = uniform_vec(&mut r, batch * time * features, -1.0, 1.0),
    }
    let mask = explicit.then(|| (0..batch).flat_map(|_| pattern(&mut r, time)).map(|m| if m { 1.0 } else { 0.0 }).collect());
    let rows = if return_sequences { batch * time } else { batch };
    let (targets, labels) = match loss {
        LossKind::Mse => (uniform_vec(&mut r, rows * dense_units, -1.0, 1.0), Vec::new()),
        LossKind::SparseCategoricalCrossentropy => (Vec::new(), (0..batch).map(|_| r.random_range(0..dense_units as u32)).collect()),
    };
    (model, Batch { batch, time, values, tokens, mask, targets, labels })
}

/// A direction's states from the fast path (`[time+1, batch, units]`, row 0 the initial state)
/// in the reference's layout (entry t = the state after processing time index t).
fn fast_trace(states: &[f32], backward: bool, batch: usize, time: usize, units: usize) -> Vec<f32> {
    by_time_index(states, 1, backward, batch, time, units)
}

/// Runs both paths on `rec` and compares everything; returns the reference's outcome.
fn agree(rec: &Recipe) -> Outcome {
    agree_from(rec, 0)
}

/// [`agree`] with the first `loss_from` steps of each sequence left out of the loss.
fn agree_from(rec: &Recipe, loss_from: usize) -> Outcome {
    let what = format!("{rec:?}, loss from step {loss_from}");
    let (model, data) = build(rec);
    let (input, targets) = (Input { loss_from, ..data.input() }, data.targets());
    let mut ws = Workspace::default();
    let mut grads = vec![0.0; model.params.len()];
    let loss = if rec.dropout {
        let mut r = init::rng_from_seed(rec.seed ^ 0xD409);
        model.forward_with(&input, &mut ws, &mut Dropout::Sample(&mut r)).unwrap();
        model.loss_and_grads(&input, &targets, &mut grads, &mut ws, &mut Dropout::Reuse).unwrap()
    } else {
        model.loss_and_grads(&input, &targets, &mut grads, &mut ws, &mut Dropout::Off).unwrap()
    };
    let masks: Vec<Vec<DropoutMasks>> = ws.layers.iter().map(|l| l.drop.clone()).collect();
    if rec.dropout {
        let dropped = masks.iter().flatten().any(|m| !m.input.is_empty() || !m.recurrent.is_empty());
        let rates = rec.layers.iter().any(|l| l.dropout > 0.0 || l.recurrent_dropout > 0.0);
        assert_eq!(dropped, rates, "{what}: dropout masks drawn iff a layer has a rate");
    }
    let r = reference::run(&model, &input, &targets, &masks).unwrap_or_else(|e| panic!("{what}: {e}"));

    assert_close(&format!("{what}\nloss"), &[loss], &[r.loss], ATOL, RTOL);
    assert_close(&format!("{what}\noutputs"), &ws.outputs, &r.outputs, ATOL, RTOL);
    if model.spec.loss == LossKind::SparseCategoricalCrossentropy {
        assert_close(&format!("{what}\nprobs"), &ws.probs, &r.probs, ATOL, RTOL);
    } else {
        assert!(r.probs.is_empty(), "{what}: probabilities without classification");
    }
    assert_eq!(r.traces.len(), rec.layers.len());
    for (k, l) in rec.layers.iter().enumerate() {
        let dirs = if l.bidirectional.is_some() { 2 } else { 1 };
        assert_eq!(r.traces[k].len(), dirs, "{what}: rnn{k} directions");
        for d in 0..dirs {
            let (h, c) = ws.states(k, d).expect("fast path keeps every state");
            let (rh, rc) = &r.traces[k][d];
            let fh = fast_trace(h, d == 1, rec.batch, rec.time, l.units);
            assert_close(&format!("{what}\ntraces rnn{k} dir {d} h"), &fh, rh, ATOL, RTOL);
            let fc = fast_trace(c, d == 1, rec.batch, rec.time, l.units);
            assert_eq!(rc.is_empty(), !l.cell.has_cell_state(), "{what}: c only for LSTM");
            assert_close(&format!("{what}\ntraces rnn{k} dir {d} c"), &fc, rc, ATOL, RTOL);
        }
    }
    assert_eq!(grads.len(), r.grads.len());
    for p in &model.params.infos {
        assert_close(&format!("{what}\ngrads {}", p.name), p.at.of(&grads), p.at.of(&r.grads), ATOL, RTOL);
    }
    r
}

fn sizes(seed: u64) -> (usize, usize) {
    let mut r = rng(seed ^ 0x5122);
    (r.random_range(1..=4), r.random_range(1..=7))
}

fn units(seed: u64, k: usize) -> usize {
    rng(seed ^ ((k as u64 + 1) * 0x9E37)).random_range(1..=6)
}

#[test]
fn fast_agrees_with_reference_every_cell() {
    let mut seed = 0;
    for cell in all_cells() {
        for (tokens, head, masking) in [
            (false, Head::SeqMse, Masking::None),
            (false, Head::SeqMse, Masking::Explicit),
            (false, Head::LastMse, Masking::Explicit),
            (true, Head::LastCe, Masking::None),
            (true, Head::LastCe, Masking::Zero),
            (true, Head::LastCe, Masking::Both),
            (true, Head::SeqMse, Masking::Zero),
            (false, Head::LastCe, Masking::Explicit),
        ] {
            for _ in 0..3 {
                seed += 1;
                let (batch, time) = sizes(seed);
                let layers = vec![layer(cell, units(seed, 0), None)];
                agree(&Recipe { layers, tokens, head, masking, batch, time, dropout: false, seed });
            }
        }
    }
}

#[test]
fn fast_agrees_with_reference_with_a_warm_up_every_cell() {
    let mut seed = 500;
    for cell in all_cells() {
        for (tokens, masking) in [(false, Masking::None), (false, Masking::Explicit), (true, Masking::Zero)] {
            for _ in 0..3 {
                seed += 1;
                let (batch, time) = sizes(seed);
                let time = time.max(2);
                let loss_from = rng(seed).random_range(1..time);
                let layers = vec![layer(cell, units(seed, 0), None)];
                let rec = Recipe { layers, tokens, head: Head::SeqMse, masking, batch, time, dropout: false, seed };
                let r = agree_from(&rec, loss_from);
                assert!(r.loss.is_finite(), "{rec:?}: the warm-up left a finite loss");
            }
        }
    }
}

#[test]
fn fast_agrees_with_reference_bidirectional_every_merge_mode() {
    let mut seed = 1000;
    for cell in all_cells() {
        for merge in MERGES {
            for (tokens, head, masking) in [
                (false, Head::SeqMse, Masking::None),
                (false, Head::SeqMse, Masking::Explicit),
                (true, Head::LastCe, Masking::Zero),
                (true, Head::LastCe, Masking::None),
                (false, Head::LastMse, Masking::Explicit),
            ] {
                seed += 1;
                let (batch, time) = sizes(seed);
                let layers = vec![layer(cell, units(seed, 0), Some(merge))];
                agree(&Recipe { layers, tokens, head, masking, batch, time, dropout: false, seed });
            }
        }
    }
}

/// A random stack of 1–3 layers of any cell, each bidirectional (any merge) or not.
fn random_layers(r: &mut ChaCha8Rng, seed: u64, dropout: bool) -> Vec<RecurrentSpec> {
    let cells = all_cells();
    let n = r.random_range(1..=3);
    (0..n)
        .map(|k| {
            let cell = cells[r.random_range(0..cells.len())];
            let bi = r.random_bool(0.4).then(|| MERGES[r.random_range(0..4)]);
            let mut l = layer(cell, units(seed, k), bi);
            if dropout {
                l.dropout = [0.0, 0.3][r.random_range(0..2)];
                l.recurrent_dropout = [0.0, 0.35][r.random_range(0..2)];
            }
            l
        })
        .collect()
}

fn random_recipe(seed: u64, dropout: bool) -> Recipe {
    let mut r = rng(seed ^ 0x57AC);
    let layers = random_layers(&mut r, seed, dropout);
    let tokens = r.random_bool(0.5);
    let head = [Head::SeqMse, Head::LastMse, Head::LastCe][r.random_range(0..3)];
    let masking = [Masking::None, Masking::Explicit, Masking::Zero, Masking::Both][r.random_range(0..4)];
    let (batch, time) = sizes(seed);
    Recipe { layers, tokens, head, masking, batch, time, dropout, seed }
}

#[test]
fn fast_agrees_with_reference_stacks_of_mixed_cells() {
    for seed in 2000..2120 {
        agree(&random_recipe(seed, false));
    }
}

/// Dropout on every cell: input only (one mask shared by the gates), recurrent only, and both
/// (one mask per gate for LSTM and GRU), alone and inside Bidirectional; the fast path draws the
/// masks and the reference uses the same ones.
#[test]
fn fast_agrees_with_reference_with_dropout_every_cell() {
    let mut seed = 3000;
    for cell in all_cells() {
        for (rate, recurrent) in [(0.3, 0.0), (0.0, 0.4), (0.3, 0.35)] {
            for (bi, tokens, head, masking) in [
                (None, false, Head::SeqMse, Masking::None),
                (Some(Merge::Concat), true, Head::LastCe, Masking::Zero),
                (Some(Merge::Mul), false, Head::SeqMse, Masking::Explicit),
            ] {
                seed += 1;
                let (batch, time) = sizes(seed);
                let mut l = layer(cell, units(seed, 0), bi);
                l.dropout = rate;
                l.recurrent_dropout = recurrent;
                agree(&Recipe { layers: vec![l], tokens, head, masking, batch, time, dropout: true, seed });
            }
        }
    }
}

#[test]
fn fast_agrees_with_reference_with_dropout_in_stacks() {
    for seed in 4000..4080 {
        agree(&random_recipe(seed, true));
    }
}

/// Without dropout, `&[]` and the empty masks the fast path keeps mean the same thing; with
/// dropout, the masks matter.
#[test]
fn no_masks_means_no_dropout() {
    let mut rec = random_recipe(5000, true);
    rec.layers = vec![layer(CellKind::Gru { reset_after: false }, 3, Some(Merge::Sum))];
    rec.layers[0].dropout = 0.3;
    rec.layers[0].recurrent_dropout = 0.3;
    let (model, data) = build(&rec);
    let (input, targets) = (data.input(), data.targets());
    let plain = reference::run(&model, &input, &targets, &[]).unwrap();
    let empty = vec![vec![DropoutMasks::default(); 2]];
    assert_eq!(plain, reference::run(&model, &input, &targets, &empty).unwrap());
    let dropped = agree(&rec);
    assert_ne!(plain.loss, dropped.loss);
}

// ---------------------------------------------------------------------------------------------
// 3. The reference's gradients against central differences of its own loss.

/// Checks every gradient of the reference on `rec` against `(L(w+ε) - L(w-ε)) / (2ε)`; the loss is
/// computed in f64 and rounded to f32, so the difference is good to about 1e-4 of the loss.
fn reference_gradcheck(rec: &Recipe) {
    let what = format!("{rec:?}");
    let (mut model, data) = build(rec);
    let (input, targets) = (data.input(), data.targets());
    // Fixed dropout masks, drawn by the fast path.
    let mut ws = Workspace::default();
    let mut r = init::rng_from_seed(rec.seed);
    model.forward_with(&input, &mut ws, &mut Dropout::Sample(&mut r)).unwrap();
    let masks: Vec<Vec<DropoutMasks>> = ws.layers.iter().map(|l| l.drop.clone()).collect();
    let base = reference::run(&model, &input, &targets, &masks).unwrap();
    let eps = 1e-2f32;
    let mut failures = Vec::new();
    for i in 0..model.params.len() {
        let orig = model.params.values[i];
        let (up, down) = (orig + eps, orig - eps);
        model.params.values[i] = up;
        let lu = reference::run(&model, &input, &targets, &masks).unwrap().loss;
        model.params.values[i] = down;
        let ld = reference::run(&model, &input, &targets, &masks).unwrap().loss;
        model.params.values[i] = orig;
        let num = (lu - ld) / (up - down);
        let ana = base.grads[i];
        if (num - ana).abs() > 2e-4 + 2e-2 * num.abs().max(ana.abs()) {
            let p = model.params.infos.iter().find(|p| p.at.offset <= i && i < p.at.offset + p.at.len).unwrap();
            failures.push(format!("{}[{}]: numeric {num:.6} analytic {ana:.6}", p.name, i - p.at.offset));
        }
    }
    let nonzero = base.grads.iter().filter(|g| g.abs() > 1e-7).count();
    assert!(nonzero * 3 > base.grads.len(), "{what}: only {nonzero} of {} gradients are non-zero", base.grads.len());
    assert!(failures.is_empty(), "{what}: {} gradients disagree:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn reference_gradients_match_finite_differences() {
    // Smooth cells only: a relu kink within ε of a pre-activation makes a central difference
    // meaningless (the fast path's gradcheck handles those; here they are covered by agreement).
    let smooth = [
        CellKind::SimpleRnn { activation: unroll::engine::cells::Activation::Tanh },
        CellKind::Lstm { peephole: false },
        CellKind::Lstm { peephole: true },
        CellKind::Gru { reset_after: true },
        CellKind::Gru { reset_after: false },
    ];
    let mut seed = 6000;
    for cell in smooth {
        for (bi, tokens, head, masking, rates) in [
            (None, false, Head::SeqMse, Masking::Explicit, (0.0, 0.0)),
            (Some(Merge::Mul), true, Head::LastCe, Masking::Zero, (0.0, 0.0)),
            (Some(Merge::Ave), false, Head::SeqMse, Masking::Explicit, (0.3, 0.35)),
            (None, true, Head::LastCe, Masking::Both, (0.3, 0.0)),
        ] {
            seed += 1;
            let mut l = layer(cell, 3, bi);
            (l.dropout, l.recurrent_dropout) = rates;
            let below = layer(CellKind::Gru { reset_after: true }, 2, Some(Merge::Concat));
            let layers = if tokens { vec![below, l] } else { vec![l] };
            reference_gradcheck(&Recipe { layers, tokens, head, masking, batch: 3, time: 4, dropout: true, seed });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Bad input is an error, not a panic.

#[test]
fn reference_rejects_bad_input() {
    let model = Model::zeroed(cls_model(6, 2, true, vec![layer(CellKind::Lstm { peephole: false }, 3, Some(Merge::Concat))], 3)).unwrap();
    fn input<'a>(ids: &'a [u32], mask: Option<&'a [f32]>) -> Input<'a> {
        Input { batch: 2, time: 3, data: InputData::Tokens(ids), mask, feedback: None, loss_from: 0 }
    }
    let ids: &[u32] = &[1, 2, 0, 3, 4, 5];
    let good = Targets::Classes(&[0, 2]);
    assert!(reference::run(&model, &input(ids, None), &good, &[]).is_ok());
    let invalid = |r: Result<Outcome, EngineError>| matches!(r, Err(EngineError::InvalidInput(_)));
    assert!(invalid(reference::run(&model, &input(&[1, 2, 9, 3, 4, 5], None), &good, &[])), "token outside the vocabulary");
    assert!(invalid(reference::run(&model, &input(&[1, 2, 3], None), &good, &[])), "too few ids");
    assert!(invalid(reference::run(&model, &input(ids, Some(&[1.0; 5])), &good, &[])), "mask size");
    assert!(invalid(reference::run(&model, &input(ids, None), &Targets::Classes(&[0, 3]), &[])), "label out of range");
    assert!(invalid(reference::run(&model, &input(ids, None), &Targets::Values(&[0.0; 6]), &[])), "targets vs loss");
    let values = Input { batch: 2, time: 3, data: InputData::Values(&[0.0; 12]), mask: None, feedback: None, loss_from: 0 };
    assert!(invalid(reference::run(&model, &values, &good, &[])), "values into a token model");
    let bad_mask = DropoutMasks { input: vec![1.0; 5], recurrent: Vec::new() };
    assert!(invalid(reference::run(&model, &input(ids, None), &good, &[vec![bad_mask.clone(), DropoutMasks::default()]])), "mask size");
    assert!(invalid(reference::run(&model, &input(ids, None), &good, &[vec![DropoutMasks::default()]])), "one direction of two");
}

// ---------------------------------------------------------------------------------------------
// Property test (native): any shape, length, mask and dropout.

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;

    fn head() -> impl Strategy<Value = Head> {
        prop_oneof![Just(Head::SeqMse), Just(Head::LastMse), Just(Head::LastCe)]
    }

    fn masking() -> impl Strategy<Value = Masking> {
        prop_oneof![Just(Masking::None), Just(Masking::Explicit), Just(Masking::Zero), Just(Masking::Both)]
    }

    fn layer_strategy() -> impl Strategy<Value = RecurrentSpec> {
        let cells = all_cells();
        (0..cells.len(), 1usize..=6, prop::option::of(0..4usize), prop::bool::ANY, prop::bool::ANY).prop_map(
            move |(c, units, bi, d, rd)| {
                let mut l = layer(cells[c], units, bi.map(|m| MERGES[m]));
                l.dropout = if d { 0.25 } else { 0.0 };
                l.recurrent_dropout = if rd { 0.3 } else { 0.0 };
                l
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// The fast path equals the reference on any model of this size and any batch.
        #[test]
        fn fast_path_equals_the_reference(
            layers in prop::collection::vec(layer_strategy(), 1..=3),
            tokens in prop::bool::ANY,
            head in head(),
            masking in masking(),
            batch in 1usize..=4,
            time in 1usize..=7,
            dropout in prop::bool::ANY,
            seed in any::<u64>(),
        ) {
            agree(&Recipe { layers, tokens, head, masking, batch, time, dropout, seed });
        }
    }
}
