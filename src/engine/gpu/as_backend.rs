//! [`GpuBackend`] as the [`Backend`] the lessons hold. Two ways of working:
//! - **waiting** (natively, by default): each call waits for its readback, so the engine behaves
//!   exactly as the CPU one (the engine tests, the CLI, the benchmarks);
//! - **deferred** (always in the browser, where a blocking wait would freeze the worker; natively
//!   with [`GpuBackend::deferred`] for its tests): training is submitted (`submit_batch`) and its
//!   results arrive later (`arrived`); inference, gradients for the views and the weights read the
//!   CPU copy of the model, which [`Backend::settled`] brings up to date (`pipeline.rs`).

use super::backend::GpuBackend;
use super::WorkCounts;
use crate::engine::backend::{check_row, check_weight_count, Arrived, Backend, BackendLabel, StateGradients, Trace, Workers};
use crate::engine::model::{Dropout, Input, Model, ModelSpec, Targets};
use crate::engine::train::{OptimizerState, StepStats};
use crate::engine::EngineError;

impl Backend for GpuBackend {
    fn label(&self) -> BackendLabel {
        BackendLabel::Gpu
    }

    fn spec(&self) -> &ModelSpec {
        &self.mirror.spec
    }

    fn param_count(&self) -> usize {
        self.mirror.param_count()
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn train_batch(&mut self, input: &Input, targets: &Targets) -> Result<StepStats, EngineError> {
        let stats = pollster::block_on(self.train_batch_async(input, targets))?;
        if self.iterations >= self.synced_at + super::backend::SYNC_EVERY {
            self.sync_mirror()?;
        }
        Ok(stats)
    }

    #[cfg(target_arch = "wasm32")]
    fn train_batch(&mut self, _input: &Input, _targets: &Targets) -> Result<StepStats, EngineError> {
        Err(EngineError::Gpu("in the browser the WebGPU engine cannot wait for a step: it trains through submit_batch".into()))
    }

    fn submit_batch(&mut self, input: &Input, targets: &Targets) -> Result<Option<StepStats>, EngineError> {
        if !self.is_deferred() {
            return self.train_batch(input, targets).map(Some);
        }
        self.submit_train(input, targets)?;
        Ok(None)
    }

    fn arrived(&mut self) -> Result<Vec<Arrived>, EngineError> {
        let arrived = self.take_arrived()?;
        if let Some(last) = arrived.last() {
            self.outputs.clone_from(&last.outputs);
        }
        Ok(arrived)
    }

    fn salvage(&self) -> Option<(Vec<f32>, u64)> {
        // Natively the loss is reported once the device was polled to the end (a failed map may
        // come first).
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.gpu.device.poll(wgpu::PollType::wait_indefinitely());
        self.gpu.lost()?;
        Some((self.mirror.params.values.clone(), self.steps_not_copied()))
    }

    fn defers(&self) -> bool {
        self.is_deferred()
    }

    fn in_flight(&self) -> usize {
        GpuBackend::in_flight(self)
    }

    fn reserve(&mut self, batch: usize, time: usize, feedback: Option<usize>) -> Result<(), EngineError> {
        self.plan_for(batch, time, feedback).map(|_| ())
    }

    fn views_behind(&self) -> u64 {
        // A waiting backend brings its CPU copy up to date before a view reads it.
        if self.is_deferred() {
            self.steps_not_copied()
        } else {
            0
        }
    }

    fn settled(&mut self) -> Result<bool, EngineError> {
        GpuBackend::settled(self)
    }

    fn train_outputs(&self) -> &[f32] {
        &self.outputs
    }

    fn gradients(&mut self, input: &Input, targets: &Targets) -> Result<(f32, Vec<f32>), EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        if !self.is_deferred() {
            return pollster::block_on(self.gradients_async(input, targets));
        }
        let mut grads = vec![0.0; self.mirror.params.len()];
        let loss = self.mirror.loss_and_grads(input, targets, &mut grads, &mut self.eval_ws, &mut Dropout::Off)?;
        Ok((loss, grads))
    }

    fn predict(&mut self, input: &Input) -> Result<&[f32], EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        if !self.is_deferred() {
            self.predicted = pollster::block_on(self.predict_async(input))?;
            return Ok(&self.predicted);
        }
        self.mirror.forward(input, &mut self.eval_ws)?;
        Ok(&self.eval_ws.outputs)
    }

    fn weights(&self) -> Vec<f32> {
        #[cfg(not(target_arch = "wasm32"))]
        if !self.is_deferred() {
            // The trait has no error here: a device that cannot be read gives the last weights seen.
            return self.gpu.read(&self.shared.weights, 0, self.mirror.params.len()).unwrap_or_else(|_| self.mirror.params.values.clone());
        }
        self.mirror.params.values.clone()
    }

    fn load_weights(&mut self, weights: &[f32]) -> Result<(), EngineError> {
        check_weight_count(self.mirror.params.len(), weights.len())?;
        self.gpu.queue.write_buffer(&self.shared.weights, 0, bytemuck::cast_slice(weights));
        self.mirror.params.values.copy_from_slice(weights);
        self.synced_at = self.iterations;
        self.loaded();
        self.gpu.check()
    }

    fn optimizer_state(&self) -> OptimizerState {
        let n = |k: usize| self.slots[k];
        #[cfg(not(target_arch = "wasm32"))]
        let read = |b: &wgpu::Buffer, n: usize| self.gpu.read(b, 0, n).unwrap_or_else(|_| vec![0.0; n]);
        // The browser cannot wait for the slots: a run carried elsewhere starts its moments again.
        #[cfg(target_arch = "wasm32")]
        let read = |_: &wgpu::Buffer, n: usize| vec![0.0; n];
        OptimizerState {
            iterations: self.iterations,
            m: read(&self.shared.m, n(0)),
            v: read(&self.shared.v, n(1)),
            a: read(&self.shared.a, n(2)),
        }
    }

    fn load_optimizer_state(&mut self, state: &OptimizerState) -> Result<(), EngineError> {
        state.check_slots(self.slots)?;
        let q = &self.gpu.queue;
        for (buf, v) in [(&self.shared.m, &state.m), (&self.shared.v, &state.v), (&self.shared.a, &state.a)] {
            if !v.is_empty() {
                q.write_buffer(buf, 0, bytemuck::cast_slice(v));
            }
        }
        self.iterations = state.iterations;
        self.synced_at = state.iterations;
        self.gpu.check()
    }

    fn model(&self) -> Model {
        let mut m = self.mirror.clone();
        m.params.values = self.weights();
        m
    }

    fn trace(&mut self, input: &Input, row: usize) -> Result<Trace, EngineError> {
        check_row(input, row)?;
        #[cfg(not(target_arch = "wasm32"))]
        if !self.is_deferred() {
            self.sync_mirror()?;
        }
        self.mirror.forward(input, &mut self.eval_ws)?;
        Ok(self.mirror.trace_row(&self.eval_ws, row))
    }

    fn state_gradients(&mut self, input: &Input, targets: &Targets, row: usize) -> Result<StateGradients, EngineError> {
        #[cfg(not(target_arch = "wasm32"))]
        if !self.is_deferred() {
            self.sync_mirror()?;
        }
        self.mirror.state_gradients(input, targets, row, &mut self.eval_ws)
    }

    fn set_parts(&mut self, _parts: usize) {
        // One device computes the whole batch: parts are a CPU engine's matter.
    }

    fn set_workers(&mut self, _workers: Workers) {}

    fn work_counts(&self) -> Option<WorkCounts> {
        Some(self.counts())
    }
}
