//! The WebGPU engine against the CPU engine (natively: lavapipe in CI, a real GPU where there is
//! one): every cell, merge, mask, input and loss, through whole forward and backward passes and
//! training steps; and the number of dispatches per step, which must not grow with the sequence.
//! Without an adapter each test prints why and returns (CI always has lavapipe: the xtask installs it).
#![cfg(not(target_arch = "wasm32"))]

use unroll::engine::backend::{self, Backend, BackendKind, Setup};
use unroll::engine::cells::CellKind;
use unroll::engine::model::{Merge, ModelSpec};
use unroll::engine::train::{Clipping, OptimizerSpec, Schedule};
use unroll::engine::{Input, InputData, Model, Targets};

use crate::common::*;

/// The adapter, or why the tests skip.
fn adapter() -> Option<String> {
    match unroll::engine::gpu::adapter_summary() {
        Ok(a) => Some(a),
        Err(why) => {
            eprintln!("SKIPPED: no WebGPU adapter here ({why})");
            None
        }
    }
}

fn setup(spec: &ModelSpec, optimizer: OptimizerSpec, clipping: Clipping) -> Setup {
    Setup { model: Model::new(spec.clone(), 21).unwrap(), optimizer, clipping, schedule: Schedule::Constant, seed: 1 }
}

fn both(spec: &ModelSpec, optimizer: OptimizerSpec, clipping: Clipping) -> (Box<dyn Backend>, Box<dyn Backend>) {
    let cpu = backend::create(BackendKind::Cpu, setup(spec, optimizer, clipping)).unwrap();
    let gpu = backend::create(BackendKind::Gpu, setup(spec, optimizer, clipping)).unwrap();
    (cpu, gpu)
}

/// A batch for `spec`: values in [-1, 1] or token ids with trailing padding, a mask when asked,
/// and targets.
struct Batch {
    batch: usize,
    time: usize,
    values: Vec<f32>,
    ids: Vec<u32>,
    mask: Option<Vec<f32>>,
    y: Vec<f32>,
    labels: Vec<u32>,
    loss_from: usize,
}

impl Batch {
    fn new(spec: &ModelSpec, batch: usize, time: usize, seed: u64, masked: bool, loss_from: usize) -> Batch {
        let mut r = rng(seed);
        let (values, ids) = match spec.input {
            unroll::engine::model::InputSpec::Values { features } => (uniform_vec(&mut r, batch * time * features, -1.0, 1.0), vec![]),
            unroll::engine::model::InputSpec::Tokens { vocab, .. } => {
                let ids = (0..batch * time)
                    .map(|i| {
                        let (b, t) = (i / time, i % time);
                        // Row b has time - b % 3 real tokens, then padding (id 0).
                        if t + b % 3 >= time {
                            0
                        } else {
                            1 + ((i * 7919 + seed as usize * 31) % (vocab - 1)) as u32
                        }
                    })
                    .collect();
                (vec![], ids)
            }
        };
        let mask = masked.then(|| (0..batch * time).map(|i| if i % time + (i / time) % 2 >= time { 0.0 } else { 1.0 }).collect());
        let rows = if spec.return_sequences { batch * time } else { batch };
        let y = uniform_vec(&mut r, rows * spec.dense_units, -1.0, 1.0);
        let labels = (0..batch).map(|b| (b % spec.dense_units) as u32).collect();
        Batch { batch, time, values, ids, mask, y, labels, loss_from }
    }
    fn input(&self) -> Input<'_> {
        let data = if self.ids.is_empty() { InputData::Values(&self.values) } else { InputData::Tokens(&self.ids) };
        Input { batch: self.batch, time: self.time, data, mask: self.mask.as_deref(), feedback: None, loss_from: self.loss_from }
    }
    fn targets(&self, spec: &ModelSpec) -> Targets<'_> {
        match spec.loss {
            unroll::engine::model::LossKind::Mse => Targets::Values(&self.y),
            _ => Targets::Classes(&self.labels),
        }
    }
}

/// Every model shape the engine has: each cell alone; stacked with every merge; masks; tokens
/// with padding; a warm-up; cross-entropy.
fn cases() -> Vec<(String, ModelSpec, bool, usize)> {
    let mut out = Vec::new();
    for cell in all_cells() {
        out.push((format!("{cell:?}"), seq_model(2, vec![layer(cell, 5, None)], 2), false, 0));
        out.push((format!("{cell:?} masked, warm-up 2"), seq_model(3, vec![layer(cell, 4, None)], 1), true, 2));
        out.push((
            format!("{cell:?} bidirectional concat over a masked stack"),
            seq_model(2, vec![layer(cell, 3, Some(Merge::Concat)), layer(cell, 4, None)], 1),
            true,
            0,
        ));
        let mut cls = cls_model(30, 4, true, vec![layer(cell, 6, None), layer(cell, 3, Some(Merge::Concat))], 4);
        cls.layers[0].units = 5;
        out.push((format!("{cell:?} classifier, tokens with padding"), cls, false, 0));
    }
    let lstm = CellKind::Lstm { peephole: false };
    for merge in [Merge::Sum, Merge::Ave, Merge::Mul] {
        out.push((format!("LSTM bidirectional {merge:?}"), seq_model(2, vec![layer(lstm, 4, Some(merge))], 2), true, 0));
        out.push((
            format!("GRU bidirectional {merge:?}, final state"),
            {
                let mut s = seq_model(2, vec![layer(CellKind::Gru { reset_after: true }, 4, Some(merge))], 2);
                s.return_sequences = false;
                s
            },
            false,
            0,
        ));
    }
    let mut last = seq_model(2, vec![layer(lstm, 70, None)], 1);
    last.return_sequences = false;
    out.push(("LSTM(70), several workgroup rows, final state".into(), last, false, 0));
    out
}

/// Loss, outputs and every gradient of the GPU engine equal the CPU engine's, within float
/// tolerance, for every case.
#[test]
fn forward_and_backward_agree_with_the_cpu_engine() {
    let Some(a) = adapter() else { return };
    eprintln!("adapter: {a}");
    for (name, spec, masked, loss_from) in cases() {
        let (mut cpu, mut gpu) = both(&spec, OptimizerSpec::sgd(0.0, 0.0), Clipping::None);
        for (batch, time) in [(3, 5), (5, 3)] {
            let data = Batch::new(&spec, batch, time, 3, masked, loss_from);
            let (input, targets) = (data.input(), data.targets(&spec));
            let (lc, gc) = cpu.gradients(&input, &targets).unwrap();
            let (lg, gg) = gpu.gradients(&input, &targets).unwrap();
            let what = format!("{name}, batch {batch}×{time}");
            assert_close(&format!("{what}: loss"), &[lg], &[lc], 1e-6, 1e-4);
            assert_close(&format!("{what}: gradients"), &gg, &gc, 1e-6, 2e-3);
            let pc = cpu.predict(&input).unwrap().to_vec();
            let pg = gpu.predict(&input).unwrap().to_vec();
            assert_close(&format!("{what}: outputs"), &pg, &pc, 1e-6, 1e-4);
        }
    }
}
