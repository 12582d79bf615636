//! Optimisers with Keras 3's update rules and defaults, over flat parameter buffers.

use serde::{Deserialize, Serialize};

/// Which optimiser, with its hyper-parameters.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OptimizerSpec {
    /// `keras.optimizers.SGD` (defaults: lr 0.01, momentum 0, nesterov false).
    Sgd { lr: f32, momentum: f32, nesterov: bool },
    /// `keras.optimizers.RMSprop` (defaults: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7, centered false).
    RmsProp { lr: f32, rho: f32, momentum: f32, epsilon: f32, centered: bool },
    /// `keras.optimizers.Adam` (defaults: lr 0.001, beta_1 0.9, beta_2 0.999, epsilon 1e-7,
    /// amsgrad false). With `amsgrad` (Reddi et al. 2018) the step divides by the largest second
    /// moment seen so far instead of the current one, so a weight whose gradients had become tiny
    /// cannot take a huge step when one grows again.
    Adam {
        lr: f32,
        beta1: f32,
        beta2: f32,
        epsilon: f32,
        #[serde(default)]
        amsgrad: bool,
    },
}

impl OptimizerSpec {
    pub fn adam(lr: f32) -> Self {
        OptimizerSpec::Adam { lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: false }
    }
    /// `keras.optimizers.Adam(lr, amsgrad=True)`.
    pub fn amsgrad(lr: f32) -> Self {
        OptimizerSpec::Adam { lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, amsgrad: true }
    }
    pub fn sgd(lr: f32, momentum: f32) -> Self {
        OptimizerSpec::Sgd { lr, momentum, nesterov: false }
    }
    pub fn rmsprop(lr: f32) -> Self {
        OptimizerSpec::RmsProp { lr, rho: 0.9, momentum: 0.0, epsilon: 1e-7, centered: false }
    }
    /// Lengths of the slots `m`, `v`, `a` for `n` weights (0 for a slot this optimiser has not).
    pub fn slot_lens(&self, n: usize) -> [usize; 3] {
        match *self {
            OptimizerSpec::Sgd { momentum, .. } => [if momentum != 0.0 { n } else { 0 }, 0, 0],
            OptimizerSpec::RmsProp { momentum, centered, .. } => [if momentum > 0.0 { n } else { 0 }, n, if centered { n } else { 0 }],
            OptimizerSpec::Adam { amsgrad, .. } => [n, n, if amsgrad { n } else { 0 }],
        }
    }

    /// The base learning rate (a schedule scales it step by step).
    pub fn lr(&self) -> f32 {
        match *self {
            OptimizerSpec::Sgd { lr, .. } | OptimizerSpec::RmsProp { lr, .. } | OptimizerSpec::Adam { lr, .. } => lr,
        }
    }
}

/// An optimiser with its slots, laid out like the parameters: `m` (momentum, Adam's first moment),
/// `v` (RMSprop's velocity, Adam's second moment), `a` (centred RMSprop's mean gradient, AMSGrad's
/// largest second moment so far: Keras's `velocity_hat`).
#[derive(Clone, Debug)]
pub struct Optimizer {
    pub spec: OptimizerSpec,
    m: Vec<f32>,
    v: Vec<f32>,
    a: Vec<f32>,
    /// Number of updates applied so far (Keras `optimizer.iterations`).
    pub iterations: u64,
}

/// An optimiser's state: its slots (`m`, `v`, `a`, each empty when the optimiser has none, else
/// laid out like the parameters `[P]`) and its update count. Loading it back continues a run
/// exactly where it stood.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct OptimizerState {
    pub iterations: u64,
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    pub a: Vec<f32>,
}

impl Optimizer {
    /// Its slots and update count.
    pub fn state(&self) -> OptimizerState {
        OptimizerState { iterations: self.iterations, m: self.m.clone(), v: self.v.clone(), a: self.a.clone() }
    }

    /// Takes up `state` (from [`Optimizer::state`] of the same optimiser on the same model).
    pub fn load_state(&mut self, state: &OptimizerState) -> Result<(), crate::engine::EngineError> {
        state.check_slots([self.m.len(), self.v.len(), self.a.len()])?;
        self.m.copy_from_slice(&state.m);
        self.v.copy_from_slice(&state.v);
        self.a.copy_from_slice(&state.a);
        self.iterations = state.iterations;
        Ok(())
    }

    pub fn new(spec: OptimizerSpec, n: usize) -> Self {
        let [m, v, a] = spec.slot_lens(n);
        Optimizer { spec, m: vec![0.0; m], v: vec![0.0; v], a: vec![0.0; a], iterations: 0 }
    }

    /// One update of `params` with `grads` at the spec's learning rate.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.step_with_lr(params, grads, self.spec.lr());
    }

    /// Whether an update with a zero gradient leaves a weight exactly as it is (plain SGD), so that
    /// only the weights with a gradient need visiting.
    pub fn skips_zero_gradients(&self) -> bool {
        matches!(self.spec, OptimizerSpec::Sgd { momentum, .. } if momentum == 0.0)
    }

    /// Plain SGD over the given ranges only (see [`Optimizer::skips_zero_gradients`]).
    pub fn step_ranges(&mut self, params: &mut [f32], grads: &[f32], lr: f32, ranges: impl Iterator<Item = std::ops::Range<usize>>) {
        debug_assert!(self.skips_zero_gradients());
        self.iterations += 1;
        for r in ranges {
            for (p, g) in params[r.clone()].iter_mut().zip(&grads[r]) {
                *p -= lr * g;
            }
        }
    }

    /// One update at learning rate `lr` (from a schedule).
    pub fn step_with_lr(&mut self, params: &mut [f32], grads: &[f32], lr: f32) {
        debug_assert_eq!(params.len(), grads.len());
        self.iterations += 1;
        match self.spec {
            OptimizerSpec::Sgd { momentum, nesterov, .. } => {
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
            OptimizerSpec::RmsProp { rho, momentum, epsilon, centered, .. } => {
                for i in 0..params.len() {
                    let g = grads[i];
                    let v = &mut self.v[i];
                    *v = rho * *v + (1.0 - rho) * g * g;
                    let denominator = if centered {
                        let a = &mut self.a[i];
                        *a = rho * *a + (1.0 - rho) * g;
                        *v - *a * *a + epsilon
                    } else {
                        *v + epsilon
                    };
                    let increment = lr * g / denominator.sqrt();
                    if momentum > 0.0 {
                        let m = &mut self.m[i];
                        *m = momentum * *m + increment;
                        params[i] -= *m;
                    } else {
                        params[i] -= increment;
                    }
                }
            }
            OptimizerSpec::Adam { beta1, beta2, epsilon, amsgrad, .. } => {
                let alpha = adam_step_size(lr, beta1, beta2, self.iterations);
                let moments = params.iter_mut().zip(grads).zip(self.m.iter_mut()).zip(self.v.iter_mut());
                if amsgrad {
                    // v̂ = max(v̂, v); the step divides by √v̂.
                    for ((((p, g), m), v), v_hat) in moments.zip(self.a.iter_mut()) {
                        *m += (g - *m) * (1.0 - beta1);
                        *v += (g * g - *v) * (1.0 - beta2);
                        *v_hat = v_hat.max(*v);
                        *p -= *m * alpha / (v_hat.sqrt() + epsilon);
                    }
                } else {
                    for (((p, g), m), v) in moments {
                        *m += (g - *m) * (1.0 - beta1);
                        *v += (g * g - *v) * (1.0 - beta2);
                        *p -= *m * alpha / (v.sqrt() + epsilon);
                    }
                }
            }
        }
    }
}

/// Adam's step size at update number `t` (counting from 1): `lr·√(1-β₂ᵗ)/(1-β₁ᵗ)`, in f64 (the
/// bias corrections of both moments folded into one factor, as Keras computes it).
pub fn adam_step_size(lr: f32, beta1: f32, beta2: f32, t: u64) -> f32 {
    let t = t as f64;
    (lr as f64 * (1.0 - (beta2 as f64).powf(t)).sqrt() / (1.0 - (beta1 as f64).powf(t))) as f32
}

impl OptimizerState {
    /// Whether the slots have the lengths `want` (`m`, `v`, `a`): an error naming the first that
    /// has not (a state from another optimiser or model).
    pub fn check_slots(&self, want: [usize; 3]) -> Result<(), crate::engine::EngineError> {
        for (name, want, got) in [("m", want[0], &self.m), ("v", want[1], &self.v), ("a", want[2], &self.a)] {
            if want != got.len() {
                return Err(crate::engine::EngineError::Shape {
                    name: format!("optimizer slot {name}"),
                    expected: vec![want],
                    got: vec![got.len()],
                });
            }
        }
        Ok(())
    }
}

/// Gradient clipping, as Keras's optimiser arguments (only one may be set there, too).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Clipping {
    #[default]
    None,
    /// `clipvalue`: every gradient element into `[-v, v]`.
    Value(f32),
    /// `clipnorm`: each weight tensor's gradient scaled to an L2 norm of at most `c`.
    Norm(f32),
    /// `global_clipnorm`: all gradients scaled together to a global L2 norm of at most `c`.
    GlobalNorm(f32),
}

impl Clipping {
    /// Clips `grads`; `tensors` are the weight tensors' ranges in the flat buffer (for `Norm`).
    /// Returns the global norm before clipping.
    pub fn apply(&self, grads: &mut [f32], tensors: impl Iterator<Item = std::ops::Range<usize>>) -> f32 {
        let norm = global_norm(grads);
        match *self {
            Clipping::None => {}
            Clipping::Value(v) => grads.iter_mut().for_each(|g| *g = g.clamp(-v, v)),
            Clipping::Norm(c) => {
                for r in tensors {
                    let t = &mut grads[r];
                    let n = global_norm(t);
                    if n > c && n.is_finite() {
                        let s = c / n;
                        t.iter_mut().for_each(|g| *g *= s);
                    }
                }
            }
            Clipping::GlobalNorm(c) => {
                clip_by_global_norm(grads, c);
            }
        }
        norm
    }
}

/// The global L2 norm of `grads`: f32 sums over blocks of 8 lanes (so the loop vectorises),
/// accumulated in f64 block by block.
pub fn global_norm(grads: &[f32]) -> f32 {
    let mut total = 0.0f64;
    for block in grads.chunks(4096) {
        let mut acc = [0.0f32; 8];
        let chunks = block.chunks_exact(8);
        let rest = chunks.remainder();
        for c in chunks {
            for k in 0..8 {
                acc[k] += c[k] * c[k];
            }
        }
        total += acc.iter().map(|&v| v as f64).sum::<f64>() + rest.iter().map(|&v| (v as f64) * (v as f64)).sum::<f64>();
    }
    total.sqrt() as f32
}

/// Keras `global_clipnorm`: scales every gradient by `clip / max(norm, clip)`. Returns the norm
/// before clipping.
pub fn clip_by_global_norm(grads: &mut [f32], clip: f32) -> f32 {
    let norm = global_norm(grads);
    let scale = global_clip_factor(norm, clip);
    if scale != 1.0 {
        grads.iter_mut().for_each(|g| *g *= scale);
    }
    norm
}

/// The factor [`clip_by_global_norm`] scales a gradient of global norm `norm` by:
/// `min(1, clip / norm)`, and 1 for a norm that is not finite (such a step is skipped anyway).
pub fn global_clip_factor(norm: f32, clip: f32) -> f32 {
    if norm > clip && norm.is_finite() {
        clip / norm
    } else {
        1.0
    }
}
