//! Property tests (native, proptest): over random shapes, lengths and masks.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::cpu::{fast, reference, Accumulate, Mat, MatMut};
use unroll::engine::model::{InputSpec, LossKind, ModelSpec, RecurrentSpec};
use unroll::engine::{Input, InputData, Model, Workspace};

fn cell_strategy() -> impl Strategy<Value = CellKind> {
    prop_oneof![
        Just(CellKind::SimpleRnn { activation: Activation::Tanh }),
        Just(CellKind::SimpleRnn { activation: Activation::Relu }),
        Just(CellKind::Lstm { peephole: false }),
        Just(CellKind::Lstm { peephole: true }),
        Just(CellKind::Gru { reset_after: true }),
        Just(CellKind::Gru { reset_after: false }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// The fast kernel equals the reference on any shape.
    #[test]
    fn gemm_nn_matches_reference(m in 1usize..20, k in 1usize..20, n in 1usize..30, seed in any::<u64>()) {
        let mut r = crate::common::rng(seed);
        let a = crate::common::uniform_vec(&mut r, m * k, -1.0, 1.0);
        let b = crate::common::uniform_vec(&mut r, k * n, -1.0, 1.0);
        let (mut c1, mut c2) = (vec![0.0; m * n], vec![0.0; m * n]);
        fast::gemm_nn(Mat::new(&a, m, k), Mat::new(&b, k, n), &mut MatMut::new(&mut c1, m, n), Accumulate::Overwrite);
        reference::gemm_nn(Mat::new(&a, m, k), Mat::new(&b, k, n), &mut MatMut::new(&mut c2, m, n), Accumulate::Overwrite);
        for (x, y) in c1.iter().zip(&c2) {
            prop_assert!((x - y).abs() <= 1e-5 * k as f32);
        }
    }

    /// Keras masking: trailing padding does not change a sequence's final state, whatever the
    /// cell, the length, or how much padding follows.
    #[test]
    fn trailing_padding_does_not_change_the_final_state(
        cell in cell_strategy(), units in 1usize..6, len in 1usize..8, pad in 1usize..6, seed in any::<u64>()
    ) {
        let spec = ModelSpec {
            input: InputSpec::Values { features: 2 },
            layers: vec![RecurrentSpec::new(cell, units, None)],
            return_sequences: false,
            dense_units: 3,
            loss: LossKind::Mse,
        };
        let model = Model::new(spec, seed).unwrap();
        let mut r = crate::common::rng(seed ^ 1);
        let x = crate::common::uniform_vec(&mut r, len * 2, -1.0, 1.0);
        let mut ws = Workspace::default();
        model.forward(&Input { batch: 1, time: len, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 }, &mut ws).unwrap();
        let plain = ws.outputs.clone();
        let mut padded = x.clone();
        padded.extend(crate::common::uniform_vec(&mut r, pad * 2, -5.0, 5.0));
        let mask: Vec<f32> = (0..len + pad).map(|t| if t < len { 1.0 } else { 0.0 }).collect();
        model.forward(&Input { batch: 1, time: len + pad, data: InputData::Values(&padded), mask: Some(&mask), feedback: None, loss_from: 0 }, &mut ws).unwrap();
        prop_assert_eq!(plain, ws.outputs.clone());
    }

    /// A batch is the same as its sequences run one at a time.
    #[test]
    fn batching_does_not_mix_sequences(cell in cell_strategy(), batch in 1usize..5, time in 1usize..7, seed in any::<u64>()) {
        let spec = ModelSpec {
            input: InputSpec::Values { features: 1 },
            layers: vec![RecurrentSpec::new(cell, 4, None)],
            return_sequences: true,
            dense_units: 1,
            loss: LossKind::Mse,
        };
        let model = Model::new(spec, seed).unwrap();
        let x = crate::common::uniform_vec(&mut crate::common::rng(seed), batch * time, -1.0, 1.0);
        let mut ws = Workspace::default();
        model.forward(&Input { batch, time, data: InputData::Values(&x), mask: None, feedback: None, loss_from: 0 }, &mut ws).unwrap();
        let all = ws.outputs.clone();
        for b in 0..batch {
            model.forward(&Input { batch: 1, time, data: InputData::Values(&x[b * time..(b + 1) * time]), mask: None, feedback: None, loss_from: 0 }, &mut ws).unwrap();
            for (p, q) in ws.outputs.iter().zip(&all[b * time..(b + 1) * time]) {
                prop_assert!((p - q).abs() <= 1e-5, "{} vs {}", p, q);
            }
        }
    }
}
