//! [`GpuBackend`]: training on the WebGPU engine. Weights, gradients, optimiser slots,
//! activations and batches live on the GPU; a step uploads its batch (values or token ids, the
//! mask, the targets) and reads back the loss, the gradient norm and the head's outputs.
//!
//! The unrolled views (`trace`, `state_gradients`) run one row at inference: they run on a CPU
//! copy of the model whose weights are read back from the GPU first.

use std::rc::Rc;

use super::context::Gpu;
use super::kernels::{LossParams, OptParams};
use super::plan::{storage, Plan, Shared};
use super::WorkCounts;
use crate::engine::backend::Setup;
use crate::engine::model::DropoutMasks;
use crate::engine::model::{Input, InputData, InputSpec, LossKind, Model, Targets, Workspace};
use crate::engine::ops::swap_leading;
use crate::engine::train::init::{rng_from_seed, Rng8};
use crate::engine::train::optimizer::adam_step_size;
use crate::engine::train::{Clipping, OptimizerSpec, Schedule, StepStats};
use crate::engine::EngineError;

/// Batch shapes kept built at once (a training batch, a last smaller one, an evaluation batch).
const PLANS: usize = 4;

/// Updates between copies of the weights back to the CPU (natively), so that a lost device loses
/// at most this many steps.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub const SYNC_EVERY: u64 = 50;

pub struct GpuBackend {
    pub(super) gpu: Rc<Gpu>,
    /// The architecture and parameter layout; its weights are refreshed from the GPU before the
    /// CPU runs a view on it.
    pub(super) mirror: Model,
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(super) eval_ws: Workspace,
    pub(super) shared: Shared,
    pub(super) plans: Vec<Plan>,
    optimizer: OptimizerSpec,
    clipping: Clipping,
    schedule: Schedule,
    pub(super) iterations: u64,
    /// The update count when the mirror last received the device's weights.
    pub(super) synced_at: u64,
    /// Lengths of the optimiser's slots `m`, `v`, `a` (0 for a slot it does not have).
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(super) slots: [usize; 3],
    /// Draws the dropout masks, as the CPU engine's trainer does (same seed, same order).
    rng: Rng8,
    /// The steps in flight (see `pipeline.rs`).
    pub(super) pipe: super::pipeline::Pipeline,
    /// Steps of a recurrence per dispatch and submission ([`super::plan::CHUNK_STEPS`]).
    chunk_steps: usize,
    /// Batch-major outputs of the last training step, and of the last prediction.
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(super) outputs: Vec<f32>,
    #[cfg_attr(target_arch = "wasm32", allow(dead_code))]
    pub(super) predicted: Vec<f32>,
}

impl std::fmt::Debug for GpuBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "GpuBackend({:?}, {} weights)", self.gpu, self.mirror.param_count())
    }
}

/// What one submission read back: `[loss, grad norm, skipped, -]`, the head's outputs
/// (batch-major), and the gradients (for [`Run::Gradients`] only).
struct ReadBack {
    stats: Vec<f32>,
    outputs: Vec<f32>,
    grads: Vec<f32>,
}

/// Which steps of a plan a call runs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Run {
    Predict,
    Gradients,
    Train,
}

impl GpuBackend {
    /// Starts training `setup` on this thread's GPU; an error says why it cannot (no adapter, a
    /// part of the model the engine does not run yet).
    pub fn new(setup: Setup) -> Result<GpuBackend, EngineError> {
        if let Some(why) = super::unsupported(&setup.model.spec) {
            return Err(EngineError::Gpu(why));
        }
        let gpu = Gpu::get().map_err(EngineError::Gpu)?;
        let model = setup.model;
        let n = model.params.len();
        let slots = setup.optimizer.slot_lens(n);
        let weights = storage(&gpu, "weights", n)?;
        gpu.queue.write_buffer(&weights, 0, bytemuck::cast_slice(&model.params.values));
        let table: Vec<u32> = model.params.infos.iter().flat_map(|p| [p.at.offset as u32, p.at.len as u32]).collect();
        let tensors = storage(&gpu, "tensors", table.len())?;
        gpu.queue.write_buffer(&tensors, 0, bytemuck::cast_slice(&table));
        let k = model.params.infos.len();
        let shared = Shared {
            grads: storage(&gpu, "grads", n)?,
            m: storage(&gpu, "m", slots[0])?,
            v: storage(&gpu, "v", slots[1])?,
            a: storage(&gpu, "a", slots[2])?,
            weights,
            tensors,
            tensor_count: k as u32,
            sums: storage(&gpu, "sums", 2 * k)?,
            stats: storage(&gpu, "stats", 4)?,
            opt: super::plan::uniform(&gpu, &OptParams::default()),
        };
        gpu.check()?;
        Ok(GpuBackend {
            gpu,
            eval_ws: Workspace::default(),
            mirror: model,
            shared,
            plans: Vec::new(),
            optimizer: setup.optimizer,
            clipping: setup.clipping,
            schedule: setup.schedule,
            iterations: 0,
            synced_at: 0,
            rng: rng_from_seed(setup.seed ^ 0xD80_F0F0),
            slots,
            pipe: super::pipeline::Pipeline::new(cfg!(target_arch = "wasm32")),
            chunk_steps: super::plan::CHUNK_STEPS,
            outputs: Vec::new(),
            predicted: Vec::new(),
        })
    }

    /// Dispatches and submissions of this thread's device so far (see [`WorkCounts`]).
    pub fn counts(&self) -> WorkCounts {
        self.gpu.counts()
    }

    pub(super) fn plan_for(&mut self, batch: usize, time: usize, feedback: Option<usize>) -> Result<usize, EngineError> {
        if let Some(i) = self.plans.iter().position(|p| p.batch == batch && p.time == time && p.feedback == feedback) {
            return Ok(i);
        }
        let plan = Plan::new(&self.gpu, &self.mirror, &self.shared, (batch, time, feedback), self.chunk_steps)?;
        self.gpu.check()?;
        if self.plans.len() == PLANS {
            self.plans.remove(0);
        }
        self.plans.push(plan);
        Ok(self.plans.len() - 1)
    }

    /// Uploads `input` (and `targets`) into plan `pi`.
    fn upload(&mut self, pi: usize, input: &Input, targets: Option<&Targets>) -> Result<(), EngineError> {
        let spec = &self.mirror.spec;
        let plan = &self.plans[pi];
        let (b, t) = (input.batch, input.time);
        let q = &self.gpu.queue;
        let mut mask = Vec::new();
        input.time_major_mask(spec.input.mask_zero(), &mut mask);
        match (input.data, &spec.input) {
            (InputData::Values(v), InputSpec::Values { features }) => {
                let mut x = Vec::new();
                swap_leading(v, b, t, *features, &mut x);
                q.write_buffer(&plan.x0, 0, bytemuck::cast_slice(&x));
            }
            (InputData::Tokens(ids), InputSpec::Tokens { .. }) => {
                let mut tok = vec![0u32; t * b];
                for bi in 0..b {
                    for ti in 0..t {
                        tok[ti * b + bi] = ids[bi * t + ti];
                    }
                }
                q.write_buffer(&plan.tokens, 0, bytemuck::cast_slice(&tok));
                // Rows grouped by token, for the gradient of the table (`embedding.wgsl`).
                let mut order: Vec<u32> = (0..(t * b) as u32).collect();
                order.sort_by_key(|&r| (tok[r as usize], r));
                let mut ids = Vec::new();
                let mut starts = Vec::new();
                for (k, &r) in order.iter().enumerate() {
                    if k == 0 || tok[r as usize] != tok[order[k - 1] as usize] {
                        ids.push(tok[r as usize]);
                        starts.push(k as u32);
                    }
                }
                let unique = ids.len();
                starts.push(order.len() as u32);
                q.write_buffer(&plan.csr, 0, bytemuck::cast_slice(&ids));
                q.write_buffer(&plan.csr, (t * b * 4) as u64, bytemuck::cast_slice(&starts));
                q.write_buffer(&plan.csr, ((2 * t * b + 1) * 4) as u64, bytemuck::cast_slice(&order));
                if let Some(mut p) = plan.scatter {
                    p.unique = unique as u32;
                    q.write_buffer(&plan.scatter_params, 0, bytemuck::bytes_of(&p));
                }
            }
            _ => unreachable!("checked by check_input"),
        }
        q.write_buffer(&plan.mask, 0, bytemuck::cast_slice(&mask));
        let Some(targets) = targets else { return Ok(()) };
        self.mirror.check_targets(targets, b, t)?;
        let units = spec.dense_units;
        let seq = spec.return_sequences;
        let rows = plan.rows;
        let mut weights = vec![1.0f32; rows];
        let mut inv = 1.0 / (rows * units) as f32;
        match targets {
            Targets::Values(y) => {
                let mut yt = Vec::new();
                if seq {
                    swap_leading(y, b, t, units, &mut yt);
                    // Keras leaves masked steps and the warm-up out of a per-step loss.
                    weights.copy_from_slice(&mask);
                    weights[..input.loss_from * b].fill(0.0);
                    let valid: f64 = weights.iter().map(|&w| w as f64).sum();
                    inv = if valid > 0.0 { (1.0 / (valid * units as f64)) as f32 } else { 0.0 };
                } else {
                    yt.extend_from_slice(y);
                }
                q.write_buffer(&plan.targets, 0, bytemuck::cast_slice(&yt));
            }
            Targets::Classes(labels) => q.write_buffer(&plan.targets, 0, bytemuck::cast_slice(labels)),
        }
        q.write_buffer(&plan.loss_weights, 0, bytemuck::cast_slice(&weights));
        let lp = LossParams {
            rows: rows as u32,
            units: units as u32,
            kind: (spec.loss == LossKind::SparseCategoricalCrossentropy) as u32,
            inv,
            ..Default::default()
        };
        q.write_buffer(&plan.loss_params, 0, bytemuck::bytes_of(&lp));
        Ok(())
    }

    pub(super) fn write_optimizer(&self) {
        let n = self.mirror.params.len() as u32;
        let lr = self.schedule.at(self.optimizer.lr(), self.iterations);
        let (clip, clip_value) = match self.clipping {
            Clipping::None => (0, 0.0),
            Clipping::Value(v) => (1, v),
            Clipping::Norm(c) => (2, c),
            Clipping::GlobalNorm(c) => (3, c),
        };
        let mut p = OptParams { count: n, tensors: self.shared.tensor_count, clip, clip_value, lr, ..Default::default() };
        match self.optimizer {
            OptimizerSpec::Sgd { momentum, nesterov, .. } => {
                p.kind = 0;
                p.momentum = momentum;
                p.nesterov = nesterov as u32;
            }
            OptimizerSpec::RmsProp { rho, momentum, epsilon, centered, .. } => {
                p.kind = 1;
                (p.rho, p.momentum, p.epsilon, p.centered) = (rho, momentum, epsilon, centered as u32);
            }
            OptimizerSpec::Adam { beta1, beta2, epsilon, amsgrad, .. } => {
                // The step size of update number `iterations + 1`, as the CPU computes it.
                p.kind = 2;
                p.alpha = adam_step_size(lr, beta1, beta2, self.iterations + 1);
                (p.beta1, p.beta2, p.epsilon, p.amsgrad) = (beta1, beta2, epsilon, amsgrad as u32);
            }
        }
        self.gpu.queue.write_buffer(&self.shared.opt, 0, bytemuck::bytes_of(&p));
    }

    /// A command encoder with the dispatches of `run` for plan `pi` recorded.
    pub(super) fn encode(&self, pi: usize, run: Run) -> wgpu::CommandEncoder {
        let gpu = &self.gpu;
        let plan = &self.plans[pi];
        let mut enc = gpu.device.create_command_encoder(&Default::default());
        if run != Run::Predict {
            enc.clear_buffer(&self.shared.grads, 0, None);
        }
        let phases: &[&[super::plan::Step]] = match run {
            Run::Predict => &[&plan.forward],
            Run::Gradients => &[&plan.forward, &plan.loss, &plan.backward],
            Run::Train => &[&plan.forward, &plan.loss, &plan.backward, &plan.update],
        };
        let steps: Vec<&super::plan::Step> = phases.iter().flat_map(|p| p.iter()).collect();
        // The chunks of a long recurrence are submitted one by one; the rest goes back to the
        // caller, who adds its copies and submits it.
        let mut parts = steps.split_inclusive(|s| s.cut).peekable();
        while let Some(part) = parts.next() {
            {
                let mut pass = enc.begin_compute_pass(&Default::default());
                for s in part {
                    s.record(gpu, &mut pass);
                }
            }
            if parts.peek().is_some() {
                gpu.submit(std::mem::replace(&mut enc, gpu.device.create_command_encoder(&Default::default())));
            }
        }
        enc
    }

    /// Runs the recurrences in chunks of at most `steps` time steps, a dispatch and a submission
    /// each ([`super::plan::CHUNK_STEPS`] by default; tests make them short).
    pub fn with_chunk_steps(mut self, steps: usize) -> Self {
        self.chunk_steps = steps.max(1);
        self.plans.clear();
        self
    }

    /// Records the steps of `run` for plan `pi`, submits them once and reads back `[loss, grad
    /// norm, skipped, -]` and the head's outputs (batch-major), plus the gradients for `Gradients`.
    async fn run(&self, pi: usize, run: Run) -> Result<ReadBack, EngineError> {
        let gpu = &self.gpu;
        let plan = &self.plans[pi];
        let mut enc = self.encode(pi, run);
        let units = self.mirror.spec.dense_units;
        let out_len = plan.rows * units;
        let p_len = if run == Run::Gradients { self.mirror.params.len() } else { 0 };
        let total = 4 + out_len + p_len;
        let staging = gpu.staging((total * 4) as u64);
        enc.copy_buffer_to_buffer(&self.shared.stats, 0, &staging, 0, 16);
        enc.copy_buffer_to_buffer(&plan.logits, 0, &staging, 16, (out_len * 4) as u64);
        if p_len > 0 {
            enc.copy_buffer_to_buffer(&self.shared.grads, 0, &staging, ((4 + out_len) * 4) as u64, (p_len * 4) as u64);
        }
        gpu.submit(enc);
        let all = gpu.map_async(&staging).await?;
        let stats = all[..4].to_vec();
        let mut outputs = Vec::new();
        let logits = &all[4..4 + out_len];
        if self.mirror.spec.return_sequences {
            swap_leading(logits, plan.time, plan.batch, units, &mut outputs);
        } else {
            outputs.extend_from_slice(logits);
        }
        Ok(ReadBack { stats, outputs, grads: all[4 + out_len..].to_vec() })
    }

    pub(super) fn prepare(&mut self, input: &Input, targets: Option<&Targets>) -> Result<usize, EngineError> {
        self.mirror.check_input(input)?;
        self.gpu.check()?;
        let feedback = self.mirror.check_feedback(input)?;
        let pi = self.plan_for(input.batch, input.time, feedback)?;
        self.upload(pi, input, targets)?;
        Ok(pi)
    }

    /// The mirror with the GPU's current weights.
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn sync_mirror(&mut self) -> Result<(), EngineError> {
        let w = self.gpu.read(&self.shared.weights, 0, self.mirror.params.len())?;
        self.mirror.params.values = w;
        self.synced_at = self.iterations;
        Ok(())
    }

    /// The device this run is on (its counters, its loss).
    pub fn gpu(&self) -> &Gpu {
        &self.gpu
    }

    /// The weights as last copied back to the CPU, and the update count then: what survives a
    /// lost device.
    pub fn last_copied(&self) -> (&[f32], u64) {
        (&self.mirror.params.values, self.synced_at)
    }

    /// Uploads this step's dropout masks into plan `pi`: fresh ones drawn in the CPU trainer's
    /// order (layer by layer, direction by direction) when training, else ones (inference and
    /// gradient checks run without dropout).
    pub(super) fn upload_dropout(&mut self, pi: usize, training: bool) {
        let plan = &self.plans[pi];
        if plan.dropout.is_empty() {
            return;
        }
        let b = plan.batch;
        let mut bufs = plan.dropout.iter();
        for (k, layer) in self.mirror.spec.layers.iter().enumerate() {
            if layer.dropout <= 0.0 && layer.recurrent_dropout <= 0.0 {
                continue;
            }
            let input = self.mirror.spec.layer_input_dim(k);
            for _ in 0..if layer.bidirectional.is_some() { 2 } else { 1 } {
                let Some(d) = bufs.next() else { return };
                let mut m = DropoutMasks::default();
                if training {
                    m.draw(layer.cell, layer.dropout, layer.recurrent_dropout, b, input, layer.units, &mut self.rng);
                }
                for (buf, values, n) in [(&d.input, &m.input, d.count * b * input), (&d.recurrent, &m.recurrent, d.count * b * layer.units)]
                {
                    if let Some(buf) = buf {
                        let ones;
                        let v: &[f32] = if training {
                            values
                        } else {
                            ones = vec![1.0f32; n];
                            &ones
                        };
                        self.gpu.queue.write_buffer(buf, 0, bytemuck::cast_slice(v));
                    }
                }
            }
        }
    }

    /// [`Backend::train_batch`], awaiting the readback (the browser's way).
    pub async fn train_batch_async(&mut self, input: &Input<'_>, targets: &Targets<'_>) -> Result<StepStats, EngineError> {
        let pi = self.prepare(input, Some(targets))?;
        self.upload_dropout(pi, true);
        self.write_optimizer();
        let r = self.run(pi, Run::Train).await?;
        if r.stats[2] == 0.0 {
            self.iterations += 1;
        }
        self.outputs = r.outputs;
        Ok(StepStats { loss: r.stats[0], grad_norm: r.stats[1] })
    }

    /// [`Backend::gradients`], awaiting the readback.
    pub async fn gradients_async(&mut self, input: &Input<'_>, targets: &Targets<'_>) -> Result<(f32, Vec<f32>), EngineError> {
        let pi = self.prepare(input, Some(targets))?;
        self.upload_dropout(pi, false);
        let r = self.run(pi, Run::Gradients).await?;
        Ok((r.stats[0], r.grads))
    }

    /// [`Backend::predict`], awaiting the readback.
    pub async fn predict_async(&mut self, input: &Input<'_>) -> Result<Vec<f32>, EngineError> {
        let pi = self.prepare(input, None)?;
        self.upload_dropout(pi, false);
        Ok(self.run(pi, Run::Predict).await?.outputs)
    }

    /// [`Backend::weights`], awaiting the readback.
    pub async fn weights_async(&self) -> Result<Vec<f32>, EngineError> {
        self.gpu.read_async(&self.shared.weights, 0, self.mirror.params.len()).await
    }
}
