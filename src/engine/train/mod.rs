//! Training: losses, optimisers, clipping, seeded initialisation, and [`Trainer`], which runs one
//! optimisation step of a model on a batch.

pub mod early_stopping;
pub mod init;
pub mod loss;
pub mod optimizer;
pub mod parts;
pub mod schedule;

pub use early_stopping::{Decision, Direction, EarlyStopping, EarlyStoppingSpec};
pub use optimizer::{clip_by_global_norm, global_clip_factor, global_norm, Clipping, Optimizer, OptimizerSpec, OptimizerState};
pub use parts::{OnRemote, PartRunner, RemotePart, Sequential, Threads};
pub use schedule::Schedule;

use super::model::{Dropout, Input, Model, Targets, Workspace};
use super::profile::{self, Phase};
use super::EngineError;
use init::Rng8;

/// What one training step measured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepStats {
    pub loss: f32,
    /// Global gradient norm before clipping.
    pub grad_norm: f32,
}

/// A model with its optimiser, gradient buffer and workspace: everything one training run needs.
#[derive(Clone, Debug)]
pub struct Trainer {
    pub model: Model,
    pub optimizer: Optimizer,
    pub clipping: Clipping,
    pub schedule: Schedule,
    pub grads: Vec<f32>,
    pub ws: Workspace,
    /// Draws the dropout masks.
    rng: Rng8,
    /// Parts per step: the batch is split into this many parts (of at least 2 rows; fewer parts
    /// when the batch is smaller), each part's gradient computed on its own, and the parts combined
    /// in a fixed order (`parts.rs`). The result depends on this number, never on where the
    /// parts were computed, so a run is reproducible for a given number of parts.
    pub parts: usize,
    /// Where the parts are computed ([`Sequential`] unless told otherwise).
    runner: std::rc::Rc<dyn PartRunner>,
    /// Workspaces and gradient buffers of the parts after the first.
    replicas: Vec<(Workspace, Vec<f32>)>,
}

impl Trainer {
    /// `seed` seeds the dropout masks (the weights are already initialised in `model`).
    pub fn new(model: Model, optimizer: OptimizerSpec, clipping: Clipping, seed: u64) -> Self {
        let n = model.params.len();
        Trainer {
            optimizer: Optimizer::new(optimizer, n),
            grads: vec![0.0; n],
            model,
            clipping,
            schedule: Schedule::Constant,
            ws: Workspace::default(),
            rng: init::rng_from_seed(seed ^ 0xD80_F0F0),
            parts: 1,
            runner: std::rc::Rc::new(Sequential),
            replicas: Vec::new(),
        }
    }

    /// The same trainer with a learning-rate schedule.
    pub fn with_schedule(mut self, schedule: Schedule) -> Self {
        self.schedule = schedule;
        self
    }

    /// Computes the parts of each batch with `runner` (threads, a helper worker): the results
    /// stay the same to the last bit.
    pub fn set_runner(&mut self, runner: std::rc::Rc<dyn PartRunner>) {
        self.runner = runner;
    }

    /// The loss and gradient of one batch, in `parts` parts when asked.
    fn loss_and_grads(&mut self, input: &Input, targets: &Targets) -> Result<f32, EngineError> {
        let parts = self.parts.min(input.batch / 2);
        if parts > 1 {
            return parts::loss_and_grads(self, parts, input, targets);
        }
        self.model.loss_and_grads(input, targets, &mut self.grads, &mut self.ws, &mut Dropout::Sample(&mut self.rng))
    }

    /// Forward, backward, clip and update on one batch. The weights are left untouched when the
    /// loss or the gradient is not finite, so a diverging run can be inspected and resumed.
    pub fn step(&mut self, input: &Input, targets: &Targets) -> Result<StepStats, EngineError> {
        // Whatever no nested phase claims (head, loss, merges, copies) counts as `Head`.
        let _step = profile::Span::new(Phase::Head);
        let loss = self.loss_and_grads(input, targets)?;
        let _opt = profile::Span::new(Phase::Optimizer);
        let grad_norm = self.clipping.apply(&mut self.grads, self.model.params.infos.iter().map(|p| p.at.offset..p.at.offset + p.at.len));
        if loss.is_finite() && grad_norm.is_finite() {
            let lr = self.schedule.at(self.optimizer.spec.lr(), self.optimizer.iterations);
            if self.optimizer.skips_zero_gradients() {
                // Sparse update: plain SGD leaves weights without a gradient (the embedding rows
                // of tokens not in this batch) exactly as they are, so they are not visited.
                let mut ranges = Vec::new();
                self.model.for_each_grad_range(&self.ws, |r| ranges.push(r));
                self.optimizer.step_ranges(&mut self.model.params.values, &self.grads, lr, ranges.into_iter());
            } else {
                self.optimizer.step_with_lr(&mut self.model.params.values, &self.grads, lr);
            }
        }
        Ok(StepStats { loss, grad_norm })
    }
}
