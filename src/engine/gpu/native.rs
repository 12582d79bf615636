//! The WebGPU engine behind the synchronous [`Backend`], natively: each call waits for its readback
//! (in the browser the worker awaits the `_async` methods instead: a blocking wait would freeze it).

use super::backend::GpuBackend;
use super::WorkCounts;
use crate::engine::backend::{check_row, check_weight_count, Backend, BackendLabel, StateGradients, Trace, Workers};
use crate::engine::model::{Input, Model, ModelSpec, Targets};
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

    fn train_batch(&mut self, input: &Input, targets: &Targets) -> Result<StepStats, EngineError> {
        let stats = pollster::block_on(self.train_batch_async(input, targets))?;
        if self.iterations >= self.synced_at + super::backend::SYNC_EVERY {
            self.sync_mirror()?;
        }
        Ok(stats)
    }

    fn train_outputs(&self) -> &[f32] {
        &self.outputs
    }

    fn gradients(&mut self, input: &Input, targets: &Targets) -> Result<(f32, Vec<f32>), EngineError> {
        pollster::block_on(self.gradients_async(input, targets))
    }

    fn predict(&mut self, input: &Input) -> Result<&[f32], EngineError> {
        self.predicted = pollster::block_on(self.predict_async(input))?;
        Ok(&self.predicted)
    }

    fn weights(&self) -> Vec<f32> {
        // The trait has no error here: a device that cannot be read gives the last weights seen.
        self.gpu.read(&self.shared.weights, 0, self.mirror.params.len()).unwrap_or_else(|_| self.mirror.params.values.clone())
    }

    fn load_weights(&mut self, weights: &[f32]) -> Result<(), EngineError> {
        check_weight_count(self.mirror.params.len(), weights.len())?;
        self.gpu.queue.write_buffer(&self.shared.weights, 0, bytemuck::cast_slice(weights));
        self.mirror.params.values.copy_from_slice(weights);
        self.synced_at = self.iterations;
        self.gpu.check()
    }

    fn optimizer_state(&self) -> OptimizerState {
        let read = |b: &wgpu::Buffer, n: usize| self.gpu.read(b, 0, n).unwrap_or_else(|_| vec![0.0; n]);
        OptimizerState {
            iterations: self.iterations,
            m: read(&self.shared.m, self.slots[0]),
            v: read(&self.shared.v, self.slots[1]),
            a: read(&self.shared.a, self.slots[2]),
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
        self.sync_mirror()?;
        self.mirror.forward(input, &mut self.eval_ws)?;
        Ok(self.mirror.trace_row(&self.eval_ws, row))
    }

    fn state_gradients(&mut self, input: &Input, targets: &Targets, row: usize) -> Result<StateGradients, EngineError> {
        self.sync_mirror()?;
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
