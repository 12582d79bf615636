//! The CPU backend: the engine's [`Trainer`] (fast kernels, `engine::cpu`) and a workspace of its
//! own for inference, so evaluating never disturbs the buffers of the batch trained last.

use std::rc::Rc;

use super::state_grads::StateGradients;
use super::{check_row, check_weight_count, Backend, BackendLabel, Setup, Trace, Workers};
use crate::engine::model::{Dropout, Input, Model, ModelSpec, Targets, Workspace};
use crate::engine::train::{OnRemote, OptimizerState, PartRunner, Sequential, StepStats, Threads, Trainer};
use crate::engine::EngineError;

#[derive(Clone, Debug)]
pub struct CpuBackend {
    trainer: Trainer,
    eval_ws: Workspace,
}

impl CpuBackend {
    pub fn new(setup: Setup) -> Self {
        let trainer = Trainer::new(setup.model, setup.optimizer, setup.clipping, setup.seed).with_schedule(setup.schedule);
        CpuBackend { trainer, eval_ws: Workspace::default() }
    }
}

impl Backend for CpuBackend {
    fn label(&self) -> BackendLabel {
        BackendLabel::cpu()
    }

    fn spec(&self) -> &ModelSpec {
        &self.trainer.model.spec
    }

    fn param_count(&self) -> usize {
        self.trainer.model.param_count()
    }

    fn train_batch(&mut self, input: &Input, targets: &Targets) -> Result<StepStats, EngineError> {
        self.trainer.step(input, targets)
    }

    fn train_outputs(&self) -> &[f32] {
        &self.trainer.ws.outputs
    }

    fn gradients(&mut self, input: &Input, targets: &Targets) -> Result<(f32, Vec<f32>), EngineError> {
        let model = &self.trainer.model;
        let mut grads = vec![0.0; model.params.len()];
        let loss = model.loss_and_grads(input, targets, &mut grads, &mut self.eval_ws, &mut Dropout::Off)?;
        Ok((loss, grads))
    }

    fn predict(&mut self, input: &Input) -> Result<&[f32], EngineError> {
        self.trainer.model.forward(input, &mut self.eval_ws)?;
        Ok(&self.eval_ws.outputs)
    }

    fn weights(&self) -> Vec<f32> {
        self.trainer.model.params.values.clone()
    }

    fn load_weights(&mut self, weights: &[f32]) -> Result<(), EngineError> {
        let values = &mut self.trainer.model.params.values;
        check_weight_count(values.len(), weights.len())?;
        values.copy_from_slice(weights);
        Ok(())
    }

    fn optimizer_state(&self) -> OptimizerState {
        self.trainer.optimizer.state()
    }

    fn load_optimizer_state(&mut self, state: &OptimizerState) -> Result<(), EngineError> {
        self.trainer.optimizer.load_state(state)
    }

    fn model(&self) -> Model {
        self.trainer.model.clone()
    }

    fn trace(&mut self, input: &Input, row: usize) -> Result<Trace, EngineError> {
        check_row(input, row)?;
        self.trainer.model.forward(input, &mut self.eval_ws)?;
        Ok(self.trainer.model.trace_row(&self.eval_ws, row))
    }

    fn state_gradients(&mut self, input: &Input, targets: &Targets, row: usize) -> Result<StateGradients, EngineError> {
        self.trainer.model.state_gradients(input, targets, row, &mut self.eval_ws)
    }

    fn set_parts(&mut self, parts: usize) {
        self.trainer.parts = parts.max(1);
    }

    fn set_workers(&mut self, workers: Workers) {
        let runner: Rc<dyn PartRunner> = match workers {
            Workers::Here => Rc::new(Sequential),
            Workers::Threads => Rc::new(Threads),
            Workers::Helper(remote) => Rc::new(OnRemote(remote)),
        };
        self.trainer.set_runner(runner);
    }
}
