//! Training steps submitted without waiting for them: the browser's way, where nothing may block
//! (`map_async` calls back from the event loop). Each step records its dispatches, then copies its
//! statistics and the head's outputs into its slot of a readback buffer shared by up to
//! [`GROUP_STEPS`] steps; the buffer is mapped once, when its group closes, and its steps
//! *arrive* when the map completes. The weights come back the same way every [`SYNC_EVERY`]
//! steps (what a lost device leaves) and whenever the CPU copy must be current (an evaluation, a
//! view: [`GpuBackend::settled`]).
//!
//! Every upload of a step goes through `queue.write_buffer`, which WebGPU orders with the
//! submissions, so steps in flight never see each other's batches.
//!
//! One approximation, only where a step is skipped (a loss or gradient that is not finite):
//! the steps submitted after it, before it arrived, counted it as an update (Adam's bias
//! correction and the schedule's step are one ahead for them); the count is right again from the
//! next submission on. The CPU engine and the waiting path have no such lag.

use std::collections::VecDeque;

use futures_channel::oneshot;

use super::backend::{GpuBackend, Run, SYNC_EVERY};
use super::context::mapped_floats;
use crate::engine::backend::Arrived;
use crate::engine::model::{Input, Targets};
use crate::engine::ops::swap_leading;
use crate::engine::train::StepStats;
use crate::engine::EngineError;

/// Steps whose statistics share one readback.
pub const GROUP_STEPS: usize = 32;
/// Steps submitted and not yet read back, at most, before the caller should wait for arrivals
/// (the GPU's queue would otherwise grow without bound: submitting costs the CPU far less than
/// the step costs the GPU).
pub const MAX_IN_FLIGHT: usize = 2 * GROUP_STEPS;

type Mapped = oneshot::Receiver<Result<(), wgpu::BufferAsyncError>>;

/// Where one step's `[loss, grad norm, skipped, -]` and outputs (time-major) lie in its group.
struct Slot {
    at: usize,
    batch: usize,
    time: usize,
}

struct Group {
    staging: wgpu::Buffer,
    /// Floats per slot: 4 statistics and the head's outputs.
    slot: usize,
    slots: Vec<Slot>,
    mapped: Option<Mapped>,
}

struct WeightsCopy {
    staging: wgpu::Buffer,
    mapped: Mapped,
    /// Steps submitted when it was taken.
    at: u64,
}

/// The steps in flight of a [`GpuBackend`].
#[derive(Default)]
pub(super) struct Pipeline {
    /// Set where results must never be waited for (always in the browser).
    pub deferred: bool,
    open: Option<Group>,
    closed: VecDeque<Group>,
    weights: Option<WeightsCopy>,
    in_flight: usize,
    /// Steps submitted so far, and how many of them the CPU copy of the weights has seen.
    pub submitted: u64,
    pub mirror_at: u64,
}

impl Pipeline {
    pub fn new(deferred: bool) -> Pipeline {
        Pipeline { deferred, ..Pipeline::default() }
    }
}

/// Asks for `staging` to be mapped once the work submitted before is done.
fn map(staging: &wgpu::Buffer) -> Mapped {
    let (tx, rx) = oneshot::channel();
    staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    rx
}

/// The map's answer, once it came: `Ok(None)` while it has not.
fn answer(mapped: &mut Mapped) -> Option<Option<Result<(), wgpu::BufferAsyncError>>> {
    match mapped.try_recv() {
        Ok(None) => None,
        Ok(Some(r)) => Some(Some(r)),
        Err(_) => Some(None),
    }
}

impl GpuBackend {
    /// This backend never waits for results again: training goes through
    /// [`GpuBackend::submit_train`], inference and the views run on the CPU copy of the weights
    /// (see [`GpuBackend::settled`]). Always so in the browser; natively for tests of that path.
    pub fn deferred(mut self) -> Self {
        self.pipe.deferred = true;
        self
    }

    pub fn is_deferred(&self) -> bool {
        self.pipe.deferred
    }

    /// Submits one training step without waiting: its statistics and outputs come later from
    /// [`GpuBackend::take_arrived`], in order.
    pub fn submit_train(&mut self, input: &Input, targets: &Targets) -> Result<(), EngineError> {
        let pi = self.prepare(input, Some(targets))?;
        self.upload_dropout(pi, true);
        self.write_optimizer();
        let mut enc = self.encode(pi, Run::Train);
        let slot = 4 + self.plans[pi].rows * self.mirror.spec.dense_units;
        if self.pipe.open.as_ref().is_some_and(|g| g.slot != slot) {
            self.close_group();
        }
        let plan = &self.plans[pi];
        let gpu = &self.gpu;
        let group = self.pipe.open.get_or_insert_with(|| Group {
            staging: gpu.staging((slot * GROUP_STEPS * 4) as u64),
            slot,
            slots: Vec::new(),
            mapped: None,
        });
        let at = group.slots.len() * slot;
        enc.copy_buffer_to_buffer(&self.shared.stats, 0, &group.staging, (at * 4) as u64, 16);
        enc.copy_buffer_to_buffer(&plan.logits, 0, &group.staging, ((at + 4) * 4) as u64, ((slot - 4) * 4) as u64);
        group.slots.push(Slot { at, batch: plan.batch, time: plan.time });
        let full = group.slots.len() == GROUP_STEPS;
        gpu.submit(enc);
        // Counted as an update; corrected when it arrives skipped.
        self.iterations += 1;
        self.pipe.submitted += 1;
        self.pipe.in_flight += 1;
        if full {
            self.close_group();
        }
        if self.pipe.weights.is_none() && self.pipe.submitted >= self.pipe.mirror_at + SYNC_EVERY {
            self.copy_weights();
        }
        self.gpu.check()
    }

    /// Asks for the open group's readback.
    fn close_group(&mut self) {
        if let Some(mut g) = self.pipe.open.take() {
            g.mapped = Some(map(&g.staging));
            self.pipe.closed.push_back(g);
        }
    }

    /// Asks for the weights as they will be after every step submitted so far.
    fn copy_weights(&mut self) {
        let n = self.mirror.params.len();
        let staging = self.gpu.staging((n.max(1) * 4) as u64);
        let mut enc = self.gpu.device.create_command_encoder(&Default::default());
        enc.copy_buffer_to_buffer(&self.shared.weights, 0, &staging, 0, (n * 4) as u64);
        self.gpu.submit(enc);
        let mapped = map(&staging);
        self.pipe.weights = Some(WeightsCopy { staging, mapped, at: self.pipe.submitted });
    }

    /// Steps submitted whose results have not arrived.
    pub fn in_flight(&self) -> usize {
        self.pipe.in_flight
    }

    /// The steps whose results came back since the last call, oldest first (the steps submitted
    /// since are sent for reading back now). Natively this polls the device without waiting; in
    /// the browser the results come in between two turns of the event loop.
    pub fn take_arrived(&mut self) -> Result<Vec<Arrived>, EngineError> {
        self.close_group();
        self.poll()?;
        let units = self.mirror.spec.dense_units;
        let seq = self.mirror.spec.return_sequences;
        let mut out = Vec::new();
        while let Some(g) = self.pipe.closed.front_mut() {
            let Some(got) = g.mapped.as_mut().and_then(answer) else { break };
            let g = self.pipe.closed.pop_front().expect("the front group");
            let all = mapped_floats(&g.staging, got)?;
            for s in &g.slots {
                let stats = &all[s.at..s.at + 4];
                let logits = &all[s.at + 4..s.at + g.slot];
                let mut outputs = Vec::new();
                if seq {
                    swap_leading(logits, s.time, s.batch, units, &mut outputs);
                } else {
                    outputs.extend_from_slice(logits);
                }
                if stats[2] != 0.0 {
                    self.iterations -= 1;
                }
                out.push(Arrived { stats: StepStats { loss: stats[0], grad_norm: stats[1] }, outputs });
            }
            self.pipe.in_flight -= g.slots.len();
        }
        Ok(out)
    }

    /// Runs the callbacks of finished work (natively; the browser runs them itself) and takes up
    /// a weights copy that came back. An error when the device was lost.
    fn poll(&mut self) -> Result<(), EngineError> {
        let _ = self.gpu.device.poll(wgpu::PollType::Poll);
        self.gpu.check()?;
        if let Some(w) = self.pipe.weights.as_mut() {
            if let Some(got) = answer(&mut w.mapped) {
                let w = self.pipe.weights.take().expect("a weights copy");
                let values = mapped_floats(&w.staging, got)?;
                let n = self.mirror.params.len();
                self.mirror.params.values.copy_from_slice(&values[..n]);
                self.pipe.mirror_at = w.at;
                self.synced_at = self.iterations - (self.pipe.submitted - w.at).min(self.iterations);
            }
        }
        Ok(())
    }

    /// Whether the CPU copy of the weights has every step submitted so far (what inference and
    /// the views read on a deferred backend); if not, the copy is asked for: ask again after
    /// the event loop has turned.
    pub fn settled(&mut self) -> Result<bool, EngineError> {
        self.poll()?;
        if self.pipe.mirror_at == self.pipe.submitted {
            return Ok(true);
        }
        if self.pipe.weights.is_none() {
            self.copy_weights();
        }
        Ok(false)
    }

    /// Steps whose results were taken but whose updates the CPU copy of the weights lacks (a
    /// waiting backend copies every [`SYNC_EVERY`] updates: those since).
    pub(super) fn steps_not_copied(&self) -> u64 {
        if self.pipe.deferred {
            (self.pipe.submitted - self.pipe.in_flight as u64).saturating_sub(self.pipe.mirror_at)
        } else {
            self.iterations.saturating_sub(self.synced_at)
        }
    }

    /// Weights were loaded from the CPU: the copy is current, and a copy in flight is stale.
    pub(super) fn loaded(&mut self) {
        self.pipe.weights = None;
        self.pipe.mirror_at = self.pipe.submitted;
    }
}
