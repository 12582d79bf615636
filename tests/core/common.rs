//! Helpers shared by the engine tests: a seeded random source and small model builders.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use unroll::engine::{Input, InputData, Targets};

pub fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

pub fn uniform_vec(rng: &mut ChaCha8Rng, n: usize, lo: f32, hi: f32) -> Vec<f32> {
    (0..n).map(|_| rng.random_range(lo..hi)).collect()
}

/// Every cell the engine has.
pub fn all_cells() -> Vec<CellKind> {
    vec![
        CellKind::SimpleRnn { activation: Activation::Tanh },
        CellKind::SimpleRnn { activation: Activation::Relu },
        CellKind::SimpleRnn { activation: Activation::LeakyRelu },
        CellKind::SimpleRnn { activation: Activation::Elu },
        CellKind::SimpleRnn { activation: Activation::Linear },
        CellKind::Lstm { peephole: false },
        CellKind::Lstm { peephole: true },
        CellKind::Gru { reset_after: true },
        CellKind::Gru { reset_after: false },
    ]
}

pub fn layer(cell: CellKind, units: usize, bi: Option<Merge>) -> RecurrentSpec {
    RecurrentSpec::new(cell, units, bi)
}

/// Values in, a Dense head per step, MSE.
pub fn seq_model(features: usize, layers: Vec<RecurrentSpec>, out: usize) -> ModelSpec {
    ModelSpec { input: InputSpec::Values { features }, layers, return_sequences: true, dense_units: out, loss: LossKind::Mse }
}

/// Token ids in (Embedding), the last state into Dense logits, softmax cross-entropy.
pub fn cls_model(vocab: usize, dim: usize, mask_zero: bool, layers: Vec<RecurrentSpec>, classes: usize) -> ModelSpec {
    ModelSpec {
        input: InputSpec::Tokens { vocab, dim, mask_zero },
        layers,
        return_sequences: false,
        dense_units: classes,
        loss: LossKind::SparseCategoricalCrossentropy,
    }
}

/// Asserts `|a - b| <= atol + rtol·|b|` element-wise, printing the first mismatches (llm.c style).
pub fn assert_close(what: &str, a: &[f32], b: &[f32], atol: f32, rtol: f32) {
    assert_eq!(a.len(), b.len(), "{what}: lengths differ");
    // Written as a negation so that NaN counts as a mismatch.
    #[allow(clippy::neg_cmp_op_on_partial_ord)]
    let bad: Vec<_> = a.iter().zip(b).enumerate().filter(|(_, (x, y))| !((*x - *y).abs() <= atol + rtol * y.abs())).collect();
    if !bad.is_empty() {
        let first: Vec<String> = bad.iter().take(8).map(|(i, (x, y))| format!("[{i}] {x} vs {y}")).collect();
        panic!("{what}: {} of {} values differ (atol {atol}, rtol {rtol}); first: {}", bad.len(), a.len(), first.join(", "));
    }
}

/// A batch, owned: values or token ids (with an optional `[batch, time]` mask), and target
/// values or class labels.
pub struct Batch {
    pub batch: usize,
    pub time: usize,
    pub values: Vec<f32>,
    pub tokens: Vec<u32>,
    pub mask: Option<Vec<f32>>,
    pub targets: Vec<f32>,
    pub labels: Vec<u32>,
}

impl Batch {
    /// As the engine takes it: token ids when there are any, else the values.
    pub fn input(&self) -> Input<'_> {
        let data = if self.tokens.is_empty() { InputData::Values(&self.values) } else { InputData::Tokens(&self.tokens) };
        Input { batch: self.batch, time: self.time, data, mask: self.mask.as_deref(), feedback: None, loss_from: 0 }
    }

    /// Class labels when there are any, else the target values.
    pub fn targets(&self) -> Targets<'_> {
        if self.labels.is_empty() {
            Targets::Values(&self.targets)
        } else {
            Targets::Classes(&self.labels)
        }
    }

    /// Row `b` as a batch of its own (copied, independently of the engine's own slicing).
    pub fn row(&self, b: usize) -> Batch {
        let slice = |v: &[f32]| -> Vec<f32> {
            let per = v.len() / self.batch;
            v[b * per..(b + 1) * per].to_vec()
        };
        let slice_or_empty = |v: &[f32]| if v.is_empty() { Vec::new() } else { slice(v) };
        Batch {
            batch: 1,
            time: self.time,
            values: slice_or_empty(&self.values),
            tokens: if self.tokens.is_empty() { Vec::new() } else { self.tokens[b * self.time..(b + 1) * self.time].to_vec() },
            mask: self.mask.as_deref().map(slice),
            targets: slice_or_empty(&self.targets),
            labels: self.labels.get(b).map(|&l| vec![l]).unwrap_or_default(),
        }
    }
}

/// One direction's per-step rows (`[rows, batch, units]`, time-major, in the direction's own
/// processing order, from row `first`) in the reference's layout (`[batch, time, units]`, entry t
/// = time index t; the backward direction processes time index t as its step T-1-t).
pub fn by_time_index(v: &[f32], first: usize, backward: bool, batch: usize, time: usize, units: usize) -> Vec<f32> {
    if v.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::with_capacity(batch * time * units);
    for b in 0..batch {
        for t in 0..time {
            let step = if backward { time - 1 - t } else { t };
            let row = ((step + first) * batch + b) * units;
            out.extend_from_slice(&v[row..row + units]);
        }
    }
    out
}
