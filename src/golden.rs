//! The golden-file format (`../shared/golden/README.md`): a tiny model with fixed weights and
//! inputs, and the values Keras computes for it in float64. [`check`] runs the engine on such a
//! file and compares every forward output, per-step state, the loss and every gradient;
//! [`check_with`] does the same with a choice of [`Path`]: the fast path or the naive reference.
//!
//! Tolerance per element: `|ours - keras| <= 1e-6 + 1e-4·|keras|`.

use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

use crate::engine::backend::{self, BackendKind, DirTrace, Setup, Trace};
use crate::engine::cells::{Activation, CellKind};
use crate::engine::model::{InputData, InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use crate::engine::ops::softmax_rows;
use crate::engine::reference::{self, Outcome};
use crate::engine::train::{Clipping, OptimizerSpec, Schedule};
use crate::engine::{Input, Model, Targets};

pub const ATOL: f64 = 1e-6;
pub const RTOL: f64 = 1e-4;

/// Why a file could not be checked.
#[derive(Debug, thiserror::Error)]
pub enum GoldenError {
    #[error("not a golden file: {0}")]
    Format(String),
    #[error("not supported yet: {0}")]
    Unsupported(String),
    #[error("the engine rejected the case: {0}")]
    Engine(#[from] crate::engine::EngineError),
}

/// One compared tensor (or scalar).
#[derive(Clone, Debug)]
pub struct Comparison {
    pub name: String,
    pub count: usize,
    pub max_abs: f64,
    pub max_rel: f64,
    /// Elements outside the tolerance.
    pub failures: usize,
}

impl Comparison {
    pub fn ok(&self) -> bool {
        self.failures == 0
    }
}

/// The result of checking one file.
#[derive(Clone, Debug)]
pub struct Report {
    pub case: String,
    pub model: String,
    pub comparisons: Vec<Comparison>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.comparisons.iter().all(Comparison::ok)
    }
}

#[derive(Deserialize)]
struct Spec {
    cell: String,
    task: String,
    #[serde(default)]
    bi: bool,
    #[serde(default)]
    mask: bool,
    #[serde(default)]
    stacked: bool,
    #[serde(default)]
    activation: Option<String>,
    #[serde(default)]
    merge: Option<String>,
    /// Our extension: one cell name per stacked layer, when they differ (`cell` names the first).
    #[serde(default)]
    cells: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct WeightEntry {
    shape: Vec<usize>,
    values: Value,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    case: String,
    spec: Spec,
    #[serde(default)]
    model_keras: String,
    inputs: Value,
    targets: Value,
    #[serde(default)]
    mask: Value,
    weights: BTreeMap<String, WeightEntry>,
    forward: BTreeMap<String, Value>,
    #[serde(default)]
    traces: BTreeMap<String, Value>,
    loss: f64,
    grads: BTreeMap<String, Value>,
}

/// Flattens a nested JSON list of numbers; returns the values and the shape.
fn flatten(v: &Value, what: &str) -> Result<(Vec<f64>, Vec<usize>), GoldenError> {
    fn walk(v: &Value, depth: usize, out: &mut Vec<f64>, shape: &mut Vec<usize>, what: &str) -> Result<(), GoldenError> {
        match v {
            Value::Number(n) => {
                if depth != shape.len() {
                    return Err(GoldenError::Format(format!("`{what}` is a ragged array")));
                }
                out.push(n.as_f64().unwrap_or(f64::NAN));
                Ok(())
            }
            Value::Array(items) => {
                if shape.len() == depth {
                    if !out.is_empty() {
                        return Err(GoldenError::Format(format!("`{what}` is a ragged array")));
                    }
                    shape.push(items.len());
                } else if shape[depth] != items.len() {
                    return Err(GoldenError::Format(format!("`{what}` is a ragged array")));
                }
                items.iter().try_for_each(|i| walk(i, depth + 1, out, shape, what))
            }
            _ => Err(GoldenError::Format(format!("`{what}` holds something other than numbers"))),
        }
    }
    let (mut out, mut shape) = (Vec::new(), Vec::new());
    walk(v, 0, &mut out, &mut shape, what)?;
    Ok((out, shape))
}

fn cell_of(spec: &Spec, name: &str) -> Result<CellKind, GoldenError> {
    let activation = match spec.activation.as_deref() {
        None | Some("tanh") => Activation::Tanh,
        Some("relu") => Activation::Relu,
        Some("leaky_relu") => Activation::LeakyRelu,
        Some("elu") => Activation::Elu,
        Some("linear") => Activation::Linear,
        Some(a) => return Err(GoldenError::Unsupported(format!("SimpleRNN activation `{a}`"))),
    };
    Ok(match name {
        "rnn" => CellKind::SimpleRnn { activation },
        "lstm" => CellKind::Lstm { peephole: false },
        "gru_ra" => CellKind::Gru { reset_after: true },
        "gru_rb" => CellKind::Gru { reset_after: false },
        c => return Err(GoldenError::Unsupported(format!("cell `{c}`"))),
    })
}

fn merge_of(spec: &Spec) -> Result<Option<Merge>, GoldenError> {
    if !spec.bi {
        return Ok(None);
    }
    Ok(Some(match spec.merge.as_deref() {
        None | Some("concat") => Merge::Concat,
        Some("sum") => Merge::Sum,
        Some("ave") => Merge::Ave,
        Some("mul") => Merge::Mul,
        Some(m) => return Err(GoldenError::Unsupported(format!("Bidirectional merge mode `{m}`"))),
    }))
}

/// Reads the model the file describes.
fn model_spec(f: &File, input_shape: &[usize]) -> Result<ModelSpec, GoldenError> {
    let bidirectional = merge_of(&f.spec)?;
    let prefix = |k: usize| if f.spec.bi { format!("rnn{k}.forward") } else { format!("rnn{k}") };
    let mut layers = Vec::new();
    while let Some(w) = f.weights.get(&format!("{}.recurrent_kernel", prefix(layers.len()))) {
        let k = layers.len();
        let name = f.spec.cells.as_ref().and_then(|c| c.get(k)).map_or(f.spec.cell.as_str(), String::as_str);
        let units = *w.shape.first().ok_or_else(|| GoldenError::Format("empty recurrent_kernel shape".into()))?;
        layers.push(RecurrentSpec::new(cell_of(&f.spec, name)?, units, bidirectional));
    }
    if layers.is_empty() {
        return Err(GoldenError::Format(format!("no `{}.recurrent_kernel` weight", prefix(0))));
    }
    if layers.len() > 1 && !f.spec.stacked {
        return Err(GoldenError::Format("several recurrent layers but `stacked` is not set".into()));
    }
    let dense = f.weights.get("dense.kernel").ok_or_else(|| GoldenError::Format("no `dense.kernel` weight".into()))?;
    let dense_units = *dense.shape.get(1).ok_or_else(|| GoldenError::Format("`dense.kernel` is not 2-D".into()))?;
    let (input, return_sequences, loss) = match f.spec.task.as_str() {
        "cls" => {
            let e = f
                .weights
                .get("embedding.embeddings")
                .ok_or_else(|| GoldenError::Unsupported("classification without an Embedding layer".into()))?;
            let (vocab, dim) = match e.shape[..] {
                [v, d] => (v, d),
                _ => return Err(GoldenError::Format("`embedding.embeddings` is not 2-D".into())),
            };
            (InputSpec::Tokens { vocab, dim, mask_zero: f.spec.mask }, false, LossKind::SparseCategoricalCrossentropy)
        }
        "seq" => {
            if f.weights.contains_key("embedding.embeddings") {
                return Err(GoldenError::Unsupported("per-step regression on token ids".into()));
            }
            let features = *input_shape.get(2).ok_or_else(|| GoldenError::Format("seq inputs must be [batch, time, features]".into()))?;
            (InputSpec::Values { features }, true, LossKind::Mse)
        }
        t => return Err(GoldenError::Unsupported(format!("task `{t}`"))),
    };
    Ok(ModelSpec { input, layers, return_sequences, dense_units, loss })
}

fn compare(name: &str, ours: &[f32], theirs: &[f64]) -> Comparison {
    let mut c = Comparison { name: name.to_string(), count: theirs.len(), max_abs: 0.0, max_rel: 0.0, failures: 0 };
    if ours.len() != theirs.len() {
        c.failures = theirs.len().max(1);
        c.max_abs = f64::INFINITY;
        return c;
    }
    for (&a, &b) in ours.iter().zip(theirs) {
        let err = (a as f64 - b).abs();
        let err = if err.is_nan() { f64::INFINITY } else { err };
        c.max_abs = c.max_abs.max(err);
        c.max_rel = c.max_rel.max(err / b.abs().max(1e-12));
        if err > ATOL + RTOL * b.abs() {
            c.failures += 1;
        }
    }
    c
}

/// Which implementation computes the values compared with a golden file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Path {
    /// An engine, through its [`Backend`] (for the CPU engine, [`Model::loss_and_grads`]: what
    /// training runs).
    Engine(BackendKind),
    /// The naive reference ([`crate::engine::reference::run`]): the specification.
    Reference,
}

impl Path {
    /// The CPU engine's fast path.
    pub const FAST: Path = Path::Engine(BackendKind::Cpu);

    /// Every engine that can run here (`BackendKind::available`), then the reference.
    pub fn all() -> Vec<Path> {
        BackendKind::available().into_iter().map(Path::Engine).chain([Path::Reference]).collect()
    }

    pub fn name(self) -> &'static str {
        match self {
            Path::Engine(BackendKind::Cpu) => "fast",
            Path::Engine(BackendKind::Gpu) => "gpu",
            Path::Reference => "reference",
        }
    }
}

/// Runs the engine's fast path on a golden file's model and compares everything the file records.
pub fn check(json: &str) -> Result<Report, GoldenError> {
    check_with(json, Path::FAST)
}

/// A golden case read into the engine's types: the model with the file's weights, the batch and
/// the targets (owned; [`Case::input`] and [`Case::targets`] borrow them).
struct Case {
    spec: ModelSpec,
    model: Model,
    batch: usize,
    time: usize,
    vals: Vec<f32>,
    ids: Vec<u32>,
    mask: Option<Vec<f32>>,
    t_vals: Vec<f32>,
    t_ids: Vec<u32>,
}

impl Case {
    fn read(f: &File) -> Result<Case, GoldenError> {
        let (inputs, in_shape) = flatten(&f.inputs, "inputs")?;
        let spec = model_spec(f, &in_shape)?;
        let mut model = Model::zeroed(spec.clone())?;
        // Weights: every one the model has must be in the file, and nothing else.
        for (name, w) in &f.weights {
            if model.params.info(name).is_none() {
                return Err(GoldenError::Unsupported(format!("weight `{name}` (shape {:?})", w.shape)));
            }
            let (v, shape) = flatten(&w.values, name)?;
            if shape != w.shape {
                return Err(GoldenError::Format(format!("`{name}`: values have shape {shape:?}, declared {:?}", w.shape)));
            }
            let v32: Vec<f32> = v.iter().map(|&x| x as f32).collect();
            model.params.set(name, &w.shape, &v32)?;
        }
        if let Some(missing) = model.params.infos.iter().find(|p| !f.weights.contains_key(&p.name)) {
            return Err(GoldenError::Format(format!("weight `{}` is missing", missing.name)));
        }
        let (batch, time) = match in_shape[..] {
            [b, t, ..] => (b, t),
            _ => return Err(GoldenError::Format("inputs must be at least [batch, time]".into())),
        };
        let mask: Option<Vec<f32>> = if f.spec.mask && !f.mask.is_null() && spec.input.is_values() {
            Some(flatten(&f.mask, "mask")?.0.iter().map(|&m| m as f32).collect())
        } else {
            None
        };
        let (vals, ids) = if spec.input.is_values() {
            (inputs.iter().map(|&x| x as f32).collect(), Vec::new())
        } else {
            (Vec::new(), inputs.iter().map(|&x| x as u32).collect())
        };
        let (targets, _) = flatten(&f.targets, "targets")?;
        let t_vals: Vec<f32> = targets.iter().map(|&x| x as f32).collect();
        let t_ids: Vec<u32> = targets.iter().map(|&x| x as u32).collect();
        Ok(Case { spec, model, batch, time, vals, ids, mask, t_vals, t_ids })
    }

    fn input(&self) -> Input<'_> {
        let data = if self.spec.input.is_values() { InputData::Values(&self.vals) } else { InputData::Tokens(&self.ids) };
        Input { batch: self.batch, time: self.time, data, mask: self.mask.as_deref(), feedback: None, loss_from: 0 }
    }

    fn targets(&self) -> Targets<'_> {
        match self.spec.loss {
            LossKind::Mse => Targets::Values(&self.t_vals),
            LossKind::SparseCategoricalCrossentropy => Targets::Classes(&self.t_ids),
        }
    }

    /// Loss, outputs, probabilities, states and gradients as `path` computes them.
    fn compute(&self, path: Path) -> Result<Outcome, GoldenError> {
        let (input, targets) = (self.input(), self.targets());
        match path {
            Path::Reference => Ok(reference::run(&self.model, &input, &targets, &[])?),
            Path::Engine(kind) => {
                let setup = Setup {
                    model: self.model.clone(),
                    optimizer: OptimizerSpec::sgd(0.0, 0.0),
                    clipping: Clipping::None,
                    schedule: Schedule::Constant,
                    seed: 0,
                };
                let mut backend = backend::create(kind, setup)?;
                let (loss, grads) = backend.gradients(&input, &targets)?;
                let outputs = backend.predict(&input)?.to_vec();
                let probs = match self.spec.loss {
                    LossKind::SparseCategoricalCrossentropy => {
                        let mut p = vec![0.0; outputs.len()];
                        softmax_rows(&outputs, self.spec.dense_units, &mut p);
                        p
                    }
                    LossKind::Mse => Vec::new(),
                };
                let rows = (0..self.batch).map(|b| backend.trace(&input, b)).collect::<Result<Vec<_>, _>>()?;
                let traces =
                    (0..self.spec.layers.len()).map(|k| (0..rows[0].layers[k].len()).map(|d| states_of(&rows, k, d)).collect()).collect();
                Ok(Outcome { loss, outputs, probs, traces, grads })
            }
        }
    }
}

/// Runs `path` on a golden file's model and compares everything the file records.
pub fn check_with(json: &str, path: Path) -> Result<Report, GoldenError> {
    let f: File = serde_json::from_str(json).map_err(|e| GoldenError::Format(e.to_string()))?;
    let case = Case::read(&f)?;
    let got = case.compute(path)?;

    let mut out = Vec::new();
    for (name, v) in &f.forward {
        let (theirs, _) = flatten(v, name)?;
        let ours: &[f32] = match name.as_str() {
            "probs" => &got.probs,
            "logits" | "predictions" => &got.outputs,
            other => return Err(GoldenError::Unsupported(format!("forward output `{other}`"))),
        };
        out.push(compare(&format!("forward.{name}"), ours, &theirs));
    }
    for (name, v) in &f.traces {
        let (theirs, _) = flatten(v, name)?;
        out.push(compare(&format!("traces.{name}"), trace(&got, name)?, &theirs));
    }
    out.push(compare("loss", &[got.loss], &[f.loss]));
    for (name, v) in &f.grads {
        let (theirs, _) = flatten(v, name)?;
        let at = case.model.params.info(name).ok_or_else(|| GoldenError::Format(format!("gradient of unknown weight `{name}`")))?.at;
        out.push(compare(&format!("grads.{name}"), at.of(&got.grads), &theirs));
    }
    Ok(Report { case: f.case, model: f.model_keras, comparisons: out })
}

/// The trace named `name` (`rnn{k}[.forward|.backward].h` or `.c`) in `got`.
fn trace<'a>(got: &'a Outcome, name: &str) -> Result<&'a [f32], GoldenError> {
    let unknown = || GoldenError::Unsupported(format!("trace `{name}`"));
    let parts: Vec<&str> = name.split('.').collect();
    let (layer, dir, what) = match parts[..] {
        [l, w] => (l, 0, w),
        [l, "forward", w] => (l, 0, w),
        [l, "backward", w] => (l, 1, w),
        _ => return Err(unknown()),
    };
    let k: usize = layer.strip_prefix("rnn").and_then(|s| s.parse().ok()).ok_or_else(unknown)?;
    let (h, c) = got.traces.get(k).and_then(|l| l.get(dir)).ok_or_else(unknown)?;
    match what {
        "h" => Ok(h),
        "c" if !c.is_empty() => Ok(c),
        _ => Err(unknown()),
    }
}

/// The fast path's states of layer `k`, direction `dir` as the file lays them out:
/// `h` and (LSTM) `c` `[batch, time, units]`, entry t = the state after time index t.
/// The states of layer `k`, direction `dir` of every row's trace, `[batch, time, units]` in time
/// order (a backward direction's own order is reversed), as the golden files hold them: `h`, then
/// `c` (empty but for an LSTM).
fn states_of(rows: &[Trace], k: usize, dir: usize) -> (Vec<f32>, Vec<f32>) {
    let layout = |pick: fn(&DirTrace) -> &[f32]| -> Vec<f32> {
        let mut out = Vec::new();
        for row in rows {
            let (d, time) = (&row.layers[k][dir], row.time);
            let states = pick(d);
            if states.is_empty() {
                return Vec::new();
            }
            for t in 0..time {
                let step = if dir == 0 { t } else { time - 1 - t };
                out.extend_from_slice(&states[(step + 1) * d.units..(step + 2) * d.units]);
            }
        }
        out
    };
    (layout(|d| &d.h), layout(|d| &d.c))
}

impl InputSpec {
    pub fn is_values(&self) -> bool {
        matches!(self, InputSpec::Values { .. })
    }
}
