//! Optimisers with Keras 3's update rules and defaults, over flat parameter buffers.

use serde::{Deserialize, Serialize};

/// Which optimiser, with its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OptimizerSpec {
    /// `keras.optimizers.SGD` (defaults: lr 0.01, momentum 0, nesterov false).
    Sgd { lr: f32, momentum: f32, nesterov: bool },
    /// `keras.optimizers.Adam` (defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7).
    Adam { lr: f32, beta1: f32, beta2: f32, epsilon: f32 },
}

impl OptimizerSpec {
    pub fn adam(lr: f32) -> Self {
        OptimizerSpec::Adam { lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 }
    }
    pub fn sgd(lr: f32, momentum: f32) -> Self {
        OptimizerSpec::Sgd { lr, momentum, nesterov: false }
    }
    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::Adam { lr, .. } => lr,
        }
    }
}

/// An optimiser with its slots (`m`, `v`), laid out like the parameters.
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub spec: OptimizerSpec,
    m: Vec<f32>,
    v: Vec<f32>,
    /// Number of updates applied so far (Keras `optimizer.iterations`).
    pub iterations: u64,
}

impl Optimizer {
    pub fn new(spec: OptimizerSpec, n_params: usize) -> Self {
        let v_len = if matches!(spec, OptimizerSpec::Adam { .. }) { n_params } else { 0 };
        Optimizer { spec, m: vec![0.0; n_params], v: vec![0.0; v_len], iterations: 0 }
    }

    /// One update of `params` with `grads`.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        debug_assert_eq!(params.len(), grads.len());
        self.iterations += 1;
        match self.spec {
            OptimizerSpec::Sgd { lr, momentum, nesterov } => {
                if momentum == 0.0 {
                    for (p, g) in params.iter_mut().zip(grads) {
                        *p -= lr * g;
                    }
                } else {
                    for ((p, g), m) in params.iter_mut().zip(grads).zip(self.m.iter_mut()) {
                        *m = momentum * *m - lr * g;
                        *p += if nesterov { momentum * *m - lr * g } else { *m };
                    }
                }
            }
            OptimizerSpec::Adam { lr, beta1, beta2, epsilon } => {
                let t = self.iterations as f64;
                let alpha = (lr as f64 * (1.0 - (beta2 as f64).powf(t)).sqrt() / (1.0 - (beta1 as f64).powf(t))) as f32;
                for (((p, g), m), v) in params.iter_mut().zip(grads).zip(self.m.iter_mut()).zip(self.v.iter_mut()) {
                    *m += (g - *m) * (1.0 - beta1);
                    *v += (g * g - *v) * (1.0 - beta2);
                    *p -= *m * alpha / (v.sqrt() + epsilon);
                }
            }
        }
    }
}

/// The global L2 norm of `grads`.
pub fn global_norm(grads: &[f32]) -> f32 {
    grads.iter().map(|&g| (g as f64) * (g as f64)).sum::<f64>().sqrt() as f32
}

/// Keras `global_clipnorm`: scales every gradient by `clip / max(norm, clip)`. Returns the norm
/// before clipping.
pub fn clip_by_global_norm(grads: &mut [f32], clip: f32) -> f32 {
    let norm = global_norm(grads);
    if norm > clip && norm.is_finite() {
        let scale = clip / norm;
        grads.iter_mut().for_each(|g| *g *= scale);
    }
    norm
}
