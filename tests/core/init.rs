//! Keras's default initialisers, seeded.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::CellKind;
use unroll::engine::train::init::{glorot_uniform, orthogonal, rng_from_seed};
use unroll::engine::Model;

use crate::common::*;

#[test]
fn orthogonal_has_orthonormal_rows_or_columns() {
    for (rows, cols) in [(6, 24), (8, 8), (10, 3)] {
        let mut w = vec![0.0; rows * cols];
        orthogonal(&mut rng_from_seed(3), rows, cols, &mut w);
        let (n, len, stride_i, stride_k) = if rows <= cols { (rows, cols, cols, 1) } else { (cols, rows, 1, cols) };
        for a in 0..n {
            for b in 0..n {
                let dot: f32 = (0..len).map(|k| w[a * stride_i + k * stride_k] * w[b * stride_i + k * stride_k]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-5, "{rows}x{cols}: <{a},{b}> = {dot}");
            }
        }
    }
}

#[test]
fn glorot_uniform_stays_in_its_limit_and_fills_it() {
    let (fan_in, fan_out) = (30, 400);
    let mut w = vec![0.0; fan_in * fan_out];
    glorot_uniform(&mut rng_from_seed(1), fan_in, fan_out, &mut w);
    let limit = (6.0f32 / (fan_in + fan_out) as f32).sqrt();
    assert!(w.iter().all(|v| v.abs() <= limit));
    let max = w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(max > 0.95 * limit, "max {max} of limit {limit}");
    let mean: f32 = w.iter().sum::<f32>() / w.len() as f32;
    assert!(mean.abs() < 0.01 * limit * 10.0);
}

#[test]
fn biases_are_zero_except_the_lstm_forget_gate() {
    let spec =
        seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 5, None), layer(CellKind::Gru { reset_after: true }, 4, None)], 1);
    let m = Model::new(spec, 11).unwrap();
    let b = m.params.get("rnn0.bias").unwrap();
    assert!(b[..5].iter().all(|&v| v == 0.0));
    assert!(b[5..10].iter().all(|&v| v == 1.0), "forget gate bias must be 1");
    assert!(b[10..].iter().all(|&v| v == 0.0));
    assert!(m.params.get("rnn1.bias").unwrap().iter().all(|&v| v == 0.0));
    assert!(m.params.get("dense.bias").unwrap().iter().all(|&v| v == 0.0));
    assert_eq!(m.params.info("rnn1.bias").unwrap().shape, vec![2, 12]);
}

#[test]
fn the_same_seed_gives_the_same_weights() {
    let spec = seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 8, None)], 1);
    let a = Model::new(spec.clone(), 5).unwrap();
    let b = Model::new(spec.clone(), 5).unwrap();
    let c = Model::new(spec, 6).unwrap();
    assert_eq!(a.params.values, b.params.values);
    assert_ne!(a.params.values, c.params.values);
}

#[test]
fn parameter_counts_match_keras() {
    // SimpleRNN(100) on 1 feature + Dense(1): 100 + 100*100 + 100 + 100 + 1 (the course's model).
    let rnn =
        Model::new(seq_model(1, vec![layer(CellKind::SimpleRnn { activation: unroll::engine::cells::Activation::Relu }, 100, None)], 1), 0)
            .unwrap();
    assert_eq!(rnn.param_count(), 10_301);
    // LSTM(32) on 1 feature: 4*(32*1 + 32*32 + 32) = 4352; + Dense(1) 33.
    let lstm = Model::new(seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 32, None)], 1), 0).unwrap();
    assert_eq!(lstm.param_count(), 4_352 + 33);
    // GRU(32), reset_after: 3*(32 + 32*32) + 2*3*32 = 3360; + 33.
    let gru = Model::new(seq_model(1, vec![layer(CellKind::Gru { reset_after: true }, 32, None)], 1), 0).unwrap();
    assert_eq!(gru.param_count(), 3_360 + 33);
    // The course's notebook: Embedding(20000, 64) → SimpleRNN(16) → Dense(4) = 1,281,364.
    let course = Model::new(
        cls_model(20_000, 64, true, vec![layer(CellKind::SimpleRnn { activation: unroll::engine::cells::Activation::Tanh }, 16, None)], 4),
        0,
    )
    .unwrap();
    assert_eq!(course.param_count(), 1_281_364);
}
