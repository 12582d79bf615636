//! Learning-rate schedules, as Keras's `LearningRateSchedule`s, evaluated at the optimiser's
//! iteration count before the update (0 for the first update).

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Schedule {
    /// The base learning rate throughout.
    #[default]
    Constant,
    /// `ExponentialDecay(staircase=True)`: `lr · factor^floor(step / every)`.
    Step { every: u64, factor: f32 },
    /// `CosineDecay`: `lr · ((1-alpha)·½(1 + cos(π·min(step, decay_steps)/decay_steps)) + alpha)`.
    Cosine { decay_steps: u64, alpha: f32 },
}

impl Schedule {
    /// The learning rate at `step` for base rate `lr`.
    pub fn at(&self, lr: f32, step: u64) -> f32 {
        match *self {
            Schedule::Constant => lr,
            Schedule::Step { every, factor } => lr * factor.powi((step / every.max(1)) as i32),
            Schedule::Cosine { decay_steps, alpha } => {
                let d = decay_steps.max(1) as f64;
                let frac = (step as f64).min(d) / d;
                let cosine = 0.5 * (1.0 + (std::f64::consts::PI * frac).cos());
                (lr as f64 * ((1.0 - alpha as f64) * cosine + alpha as f64)) as f32
            }
        }
    }
}
