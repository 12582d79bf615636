//! The unrolled views write every gate as `act(x_t·W + b + h_{t-1}·U)` with the values
//! substituted: these tests rebuild every gate and state of a trace from its two sides (computed
//! apart from the fast kernels, see `engine::model::trace`) with the cells' documented equations,
//! and compare with what the engine computed, for every cell, both directions, stacked layers
//! and masked steps, on every backend.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::backend::{self, BackendKind, DirTrace, Setup, Trace};
use unroll::engine::cells::CellKind;
use unroll::engine::model::{Merge, ModelSpec};
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, InputData, Model};

use crate::common::*;

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn close(what: &str, got: f32, want: f32) {
    assert!((got - want).abs() <= 2e-5 + 2e-5 * want.abs(), "{what}: trace {got}, rebuilt {want}");
}

/// Rebuilds step `s` of `d` (a `cell` direction) from its sides and checks it.
fn check_step(cell: CellKind, d: &DirTrace, s: usize, real: bool, at: &str) {
    let u = d.units;
    let w = cell.gates() * u;
    let (h_prev, h_now) = (&d.h[s * u..(s + 1) * u], &d.h[(s + 1) * u..(s + 2) * u]);
    if !real {
        assert_eq!(h_prev, h_now, "{at}: a masked step carries h");
        if !d.c.is_empty() {
            assert_eq!(d.c[s * u..(s + 1) * u], d.c[(s + 1) * u..(s + 2) * u], "{at}: a masked step carries c");
        }
        return;
    }
    let gate = |g: usize, j: usize| d.gates[s * w + g * u + j];
    let sum = |g: usize, j: usize| d.input_side[s * w + g * u + j] + d.recurrent_side[s * w + g * u + j];
    for j in 0..u {
        let at = format!("{at} unit {j}");
        match cell {
            CellKind::SimpleRnn { activation } => {
                close(&format!("{at} act"), gate(0, j), activation.apply(sum(0, j)));
                close(&format!("{at} h"), h_now[j], gate(0, j));
            }
            CellKind::Lstm { .. } => {
                for (g, name) in [(0, "i"), (1, "f"), (3, "o")] {
                    close(&format!("{at} {name}"), gate(g, j), sigmoid(sum(g, j)));
                }
                close(&format!("{at} g"), gate(2, j), sum(2, j).tanh());
                let c = gate(1, j) * d.c[s * u + j] + gate(0, j) * gate(2, j);
                close(&format!("{at} c"), d.c[(s + 1) * u + j], c);
                close(&format!("{at} h"), h_now[j], gate(3, j) * c.tanh());
            }
            CellKind::Gru { reset_after } => {
                close(&format!("{at} z"), gate(0, j), sigmoid(sum(0, j)));
                close(&format!("{at} r"), gate(1, j), sigmoid(sum(1, j)));
                let (x_h, r_h) = (d.input_side[s * w + 2 * u + j], d.recurrent_side[s * w + 2 * u + j]);
                let n = if reset_after { (x_h + gate(1, j) * r_h).tanh() } else { (x_h + r_h).tanh() };
                close(&format!("{at} n"), gate(2, j), n);
                close(&format!("{at} h"), h_now[j], gate(0, j) * h_prev[j] + (1.0 - gate(0, j)) * n);
            }
        }
    }
}

fn check_trace(spec: &ModelSpec, t: &Trace, what: &str) {
    for (k, (dirs, l)) in t.layers.iter().zip(&spec.layers).enumerate() {
        for (dir, d) in dirs.iter().enumerate() {
            let w = l.cell.gates() * l.units;
            assert_eq!((d.input_side.len(), d.recurrent_side.len()), (t.time * w, t.time * w));
            for s in 0..t.time {
                let time = if dir == 0 { s } else { t.time - 1 - s };
                check_step(l.cell, d, s, t.mask[time] == 1.0, &format!("{what} layer {k} dir {dir} step {s}"));
            }
        }
    }
}

fn backend_for(kind: BackendKind, spec: &ModelSpec) -> Box<dyn backend::Backend> {
    let model = Model::new(spec.clone(), 7).unwrap();
    let setup = Setup { model, optimizer: OptimizerSpec::adam(1e-3), clipping: Clipping::None, schedule: Schedule::Constant, seed: 1 };
    backend::create(kind, setup).unwrap()
}

#[test]
fn every_gate_rebuilds_from_its_two_sides() {
    for kind in BackendKind::available() {
        for cell in all_cells() {
            for merge in [None, Some(Merge::Concat), Some(Merge::Sum)] {
                let spec = seq_model(2, vec![layer(cell, 5, merge), layer(cell, 3, Some(Merge::Concat))], 1);
                let mut b = backend_for(kind, &spec);
                let x = uniform_vec(&mut rng(3), 2 * 6 * 2, -1.5, 1.5);
                // Row 1 has two padding steps at its end.
                let mask: Vec<f32> = (0..12).map(|i| if i >= 10 { 0.0 } else { 1.0 }).collect();
                let input = Input { batch: 2, time: 6, data: InputData::Values(&x), mask: Some(&mask), feedback: None, loss_from: 0 };
                for row in 0..2 {
                    let t = b.trace(&input, row).unwrap();
                    assert_eq!(t.mask, mask[row * 6..(row + 1) * 6]);
                    assert_eq!(t.inputs, x[row * 12..(row + 1) * 12], "the first layer reads the values");
                    check_trace(&spec, &t, &format!("{kind:?} {cell:?} {merge:?} row {row}"));
                }
            }
        }
    }
}

#[test]
fn a_token_trace_reads_the_embedding_rows_and_skips_padding() {
    for kind in BackendKind::available() {
        for cell in all_cells() {
            let spec = cls_model(20, 4, true, vec![layer(cell, 6, None)], 3);
            let mut b = backend_for(kind, &spec);
            let ids = [5u32, 9, 0, 3, 0, 0];
            let input = Input { batch: 1, time: 6, data: InputData::Tokens(&ids), mask: None, feedback: None, loss_from: 0 };
            let t = b.trace(&input, 0).unwrap();
            assert_eq!(t.mask, [1.0, 1.0, 0.0, 1.0, 0.0, 0.0]);
            let table = b.model().params.get("embedding.embeddings").unwrap().to_vec();
            assert_eq!(t.inputs[4..8], table[9 * 4..10 * 4], "step 1 reads token 9's row");
            check_trace(&spec, &t, &format!("{kind:?} {cell:?}"));
        }
    }
}
