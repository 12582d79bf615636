//! The gradient of the loss with respect to every step's states (`∂L/∂h_t`, and `∂L/∂c_t` for an
//! LSTM), for pictures of backpropagation through time: how much of the error signal reaches
//! each step, and whether it vanishes or explodes on its way back.
//!
//! Nothing is computed apart: the backward pass that trains the model records what its cells'
//! time loops already hold (`engine::cells::StateRecord`, which defines each value), only when
//! asked, so training never pays for it.

use super::{Dropout, Input, Model, Targets, Workspace};
use crate::engine::backend::state_grads::one_row;
use crate::engine::backend::StateGradients;
use crate::engine::train::global_norm;
use crate::engine::EngineError;

impl Model {
    /// [`Model::loss_and_grads`] at inference (no dropout), recording besides the gradient
    /// reaching every step's states in every layer and direction: read them with
    /// [`Workspace::state_grads`] (valid until the next pass with `ws`).
    pub fn loss_and_state_grads(
        &self,
        input: &Input,
        targets: &Targets,
        grads: &mut [f32],
        ws: &mut Workspace,
    ) -> Result<f32, EngineError> {
        if input.feedback.is_some() {
            return Err(EngineError::InvalidInput(
                "the gradients reaching each step's states are recorded for teacher-forced inputs only".into(),
            ));
        }
        ws.record_states = true;
        let loss = self.loss_and_grads(input, targets, grads, ws, &mut Dropout::Off);
        ws.record_states = false;
        loss
    }

    /// Row `row` of `input` and `targets` on its own: the norm of the gradient reaching every
    /// step's states, the loss and the global norm of the weight gradient (what
    /// `Backend::state_gradients` answers), computed in `ws`.
    pub fn state_gradients(&self, input: &Input, targets: &Targets, row: usize, ws: &mut Workspace) -> Result<StateGradients, EngineError> {
        let (input, targets) = one_row(input, targets, row)?;
        let mut grads = vec![0.0; self.params.len()];
        let loss = self.loss_and_state_grads(&input, &targets, &mut grads, ws)?;
        Ok(StateGradients::from_workspace(&self.spec, ws, loss, global_norm(&grads)))
    }
}

impl Workspace {
    /// After [`Model::loss_and_state_grads`], the gradients reaching the states of layer `k`,
    /// direction `dir` (0 forward, 1 backward): `∂L/∂h_t` and, for an LSTM, `∂L/∂c_t` (else empty),
    /// each `[time, batch, units]` in the direction's own processing order (as
    /// [`Workspace::states`] without its initial row: row `t` belongs to its row `t + 1`).
    /// `None` when the last backward pass did not record them.
    pub fn state_grads(&self, k: usize, dir: usize) -> Option<(&[f32], &[f32])> {
        let r = self.layers.get(k)?.states.get(dir)?;
        Some((&r.dh, &r.dc))
    }
}
