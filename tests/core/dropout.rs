//! Dropout follows Keras's semantics: masks per batch (not per step), inverted scaling, input
//! masks on `x_t·W`, recurrent masks on `h_{t-1}·U` only, nothing at inference.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{Dropout, DropoutMasks};
use unroll::engine::{Input, InputData, Model, Workspace};

use crate::common::*;

fn run(model: &Model, x: &[f32], batch: usize, time: usize, ws: &mut Workspace, dropout: &mut Dropout) -> Vec<f32> {
    model.forward_with(&Input { batch, time, data: InputData::Values(x), mask: None, feedback: None, loss_from: 0 }, ws, dropout).unwrap();
    ws.outputs.clone()
}

#[test]
fn inference_ignores_dropout() {
    let mut l = layer(CellKind::Lstm { peephole: false }, 6, None);
    let plain = Model::new(seq_model(2, vec![l.clone()], 1), 4).unwrap();
    l.dropout = 0.5;
    l.recurrent_dropout = 0.5;
    let dropped = Model::new(seq_model(2, vec![l], 1), 4).unwrap();
    assert_eq!(plain.params.values, dropped.params.values, "dropout adds no weights");
    let x = uniform_vec(&mut rng(1), 3 * 5 * 2, -1.0, 1.0);
    let mut ws = Workspace::default();
    let a = run(&plain, &x, 3, 5, &mut ws, &mut Dropout::Off);
    let b = run(&dropped, &x, 3, 5, &mut ws, &mut Dropout::Off);
    assert_eq!(a, b);
    let c = run(&dropped, &x, 3, 5, &mut ws, &mut Dropout::Sample(&mut rng(2)));
    assert_ne!(a, c, "training mode does drop");
}

#[test]
fn masks_are_drawn_per_batch_with_inverted_scaling() {
    let mut m = DropoutMasks::default();
    let cell = CellKind::Gru { reset_after: true };
    m.draw(cell, 0.25, 0.0, 64, 10, 8, &mut rng(5));
    assert_eq!(m.input.len(), 64 * 10, "one input mask shared by the gates");
    assert!(m.recurrent.is_empty());
    assert!(m.input.iter().all(|&v| v == 0.0 || (v - 1.0 / 0.75).abs() < 1e-6));
    let kept = m.input.iter().filter(|&&v| v > 0.0).count() as f32 / m.input.len() as f32;
    assert!((kept - 0.75).abs() < 0.05, "kept {kept}");
    m.draw(cell, 0.25, 0.5, 64, 10, 8, &mut rng(5));
    assert_eq!((m.input.len(), m.recurrent.len()), (3 * 64 * 10, 3 * 64 * 8), "one mask per gate with recurrent dropout");
    m.draw(CellKind::SimpleRnn { activation: Activation::Tanh }, 0.25, 0.5, 4, 3, 2, &mut rng(5));
    assert_eq!((m.input.len(), m.recurrent.len()), (4 * 3, 4 * 2), "SimpleRNN: one of each");
}

/// SimpleRNN with input mask `m` and recurrent mask `r`, one sequence of two steps, by hand:
/// `h1 = tanh((x1∘m)W + b)`, `h2 = tanh((x2∘m)W + (h1∘r)U + b)`; the output is `h·K + c`.
#[test]
fn simple_rnn_dropout_matches_the_equations() {
    let mut l = layer(CellKind::SimpleRnn { activation: Activation::Tanh }, 2, None);
    l.dropout = 0.5;
    l.recurrent_dropout = 0.5;
    let mut model = Model::zeroed(seq_model(2, vec![l], 1)).unwrap();
    model.params.values = uniform_vec(&mut rng(8), model.params.len(), -0.9, 0.9);
    let (w, u, b) = (
        model.params.get("rnn0.kernel").unwrap().to_vec(),
        model.params.get("rnn0.recurrent_kernel").unwrap().to_vec(),
        model.params.get("rnn0.bias").unwrap().to_vec(),
    );
    let (k, c) = (model.params.get("dense.kernel").unwrap().to_vec(), model.params.get("dense.bias").unwrap()[0]);
    let x = [0.7f32, -0.2, 0.4, 0.9];
    let mut ws = Workspace::default();
    run(&model, &x, 1, 2, &mut ws, &mut Dropout::Sample(&mut rng(1)));
    let (m, r) = ([2.0f32, 0.0], [0.0f32, 2.0]);
    ws.layers[0].drop[0] = DropoutMasks { input: m.to_vec(), recurrent: r.to_vec() };
    let out = run(&model, &x, 1, 2, &mut ws, &mut Dropout::Reuse);
    let step = |xt: &[f32], hp: [f32; 2]| -> [f32; 2] {
        let mut h = [0.0f32; 2];
        for (j, hj) in h.iter_mut().enumerate() {
            let mut z = b[j];
            for i in 0..2 {
                z += xt[i] * m[i] * w[i * 2 + j] + hp[i] * r[i] * u[i * 2 + j];
            }
            *hj = z.tanh();
        }
        h
    };
    let h1 = step(&x[0..2], [0.0, 0.0]);
    let h2 = step(&x[2..4], h1);
    let y = |h: [f32; 2]| h[0] * k[0] + h[1] * k[1] + c;
    assert_close("outputs", &out, &[y(h1), y(h2)], 1e-6, 1e-5);
}

/// The embedding gradient is cleared row by row when the same buffer is reused; the gradients must
/// equal those computed into a fresh buffer.
#[test]
fn reused_gradient_buffers_give_the_same_gradients() {
    use unroll::engine::Targets;
    let m = Model::new(cls_model(50, 4, true, vec![layer(CellKind::Gru { reset_after: true }, 3, None)], 3), 2).unwrap();
    let (a, b): (Vec<u32>, Vec<u32>) = ((0..12).map(|i| 1 + i % 49).collect(), (0..12).map(|i| 30 + i % 20).collect());
    let labels = [0u32, 2, 1];
    let mut ws = Workspace::default();
    let mut reused = vec![0.0; m.param_count()];
    for ids in [&a, &b, &a] {
        let input = Input { batch: 3, time: 4, data: InputData::Tokens(ids), mask: None, feedback: None, loss_from: 0 };
        m.loss_and_grads(&input, &Targets::Classes(&labels), &mut reused, &mut ws, &mut Dropout::Off).unwrap();
        let mut fresh = vec![7.0; m.param_count()];
        m.loss_and_grads(&input, &Targets::Classes(&labels), &mut fresh, &mut Workspace::default(), &mut Dropout::Off).unwrap();
        assert_eq!(reused, fresh);
    }
}
