//! Vanishing and exploding gradients: how much of the error signal of one many-to-one sample
//! reaches each step of a long sequence, for a SimpleRNN, an LSTM and a GRU side by side.
//!
//! Each cell gets the same model shape: one recurrent layer of `units` units reading a sine
//! window of `time` steps (one feature), its last state into `Dense(1)`, and an MSE loss at the
//! last step only, against the sine's next value. The weights are the engine's seeded Keras
//! initialisation (`Model::new`), with every recurrent kernel `U` multiplied by
//! `recurrent_scale` (1 = as initialised; 2–4 = the exploding case).
//!
//! For each cell the picture is `‖∂L/∂h_t‖` for `t` in `0..time` (`Backend::state_gradients`): the
//! gradient reaching the hidden state after step `t`. The loss sees only `h_{T-1}`, so everything
//! that reaches an earlier state came back through the recurrence, multiplied at every step by
//! the step's Jacobian `∂h_t/∂h_{t-1}`:
//! ```text
//! ∂L/∂h_t = (∂h_{t+1}/∂h_t)ᵀ · ∂L/∂h_{t+1}      SimpleRNN: ∂h_{t+1}/∂h_t = diag(act'(z_{t+1}))·Uᵀ
//! ```
//! A product of many factors below 1 vanishes (tanh saturates, `|act'| ≤ 1`); above 1 it explodes.
//! The LSTM's cell state and the GRU's update gate add an additive path (`c_t = f∘c_{t-1} + …`,
//! `h_t = z∘h_{t-1} + …`) whose factor is a gate the network can hold near 1.
//!
//! What the defaults show (measured, T = 100, 16 units, seeds 1–7 and 42):
//! - tanh SimpleRNN: `‖∂L/∂h_0‖` is 10⁻³ to 10⁻⁹ of `‖∂L/∂h_{T-1}‖`: vanishing.
//! - At Keras's initialisation the keeping gates are half shut (forget bias 1: `f ≈ σ(1) ≈ 0.73`;
//!   update bias 0: `z ≈ 0.5`), so a fresh LSTM's and GRU's signal vanishes as fast or faster
//!   (10⁻⁸–10⁻¹¹, GRU 10⁻¹⁹): the gates give the *ability* to carry the gradient, which training on
//!   a long-memory task uses by opening them. `keep_bias` opens them by hand: at 3–4 the LSTM's and
//!   GRU's ratios are 10⁻² to 1, tens to millions of times the SimpleRNN's.
//! - `recurrent_scale` 2–3 with tanh: the gradient grows backward in time (ratios 10³–10¹⁰,
//!   weight-gradient norms 10⁴–10¹¹) while the states stay bounded: exploding. With relu the
//!   states themselves grow as the scale does, and overflow to inf/NaN from about 1.5–2.
//!
//! Clipping by norm (Keras `global_clipnorm`, the engine's [`Clipping::GlobalNorm`]) rescales the
//! whole weight gradient `g` by `min(1, clip/‖g‖)` when its global norm passes `clip`: every
//! component by the same factor, so the update keeps its direction and only its length is capped.
//! It cures exploding updates, not vanishing ones (a small gradient is left as it is). The curve
//! shown clipped is the same curve times that factor: the gradient reaching each state, as the
//! clipped update sees it.

use serde::{Deserialize, Serialize};

use super::LessonError;
use crate::engine::backend::{self, BackendKind, Setup};
use crate::engine::cells::{Activation, CellKind};
use crate::engine::model::{InputSpec, LossKind, ModelSpec, RecurrentSpec};
use crate::engine::train::init::rng_from_seed;
use crate::engine::train::{global_clip_factor, global_norm, Clipping, OptimizerSpec, Schedule};
use crate::engine::{Input, InputData, Model, Targets};
use crate::i18n::{fill, t};
use crate::settings::SettingError;

/// Steps of the sine wave per period.
pub const PERIOD: f32 = 25.0;
/// Bounds the settings are checked against.
pub const MAX_TIME: usize = 1000;
pub const MAX_UNITS: usize = 256;
pub const MAX_SCALE: f32 = 10.0;
pub const MAX_KEEP_BIAS: f32 = 10.0;

/// What the picture is computed for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct VanishingSettings {
    /// Sequence length T.
    pub time: usize,
    /// Units of each recurrent layer.
    pub units: usize,
    /// The SimpleRNN's activation (the LSTM and GRU keep their own).
    pub activation: Activation,
    /// Every recurrent kernel is multiplied by this (1 = the seeded initialisation).
    pub recurrent_scale: f32,
    /// Clip the weight gradient to this global norm (`None` = no clipping).
    pub clip_norm: Option<f32>,
    /// Added to the bias of the gate that keeps the state, the LSTM's forget gate `f` (Keras
    /// initialises it to 1) and the GRU's update gate `z` (0): 0 = as Keras initialises them; 2–4
    /// opens the gates, so that the additive path carries the gradient far back.
    pub keep_bias: f32,
    /// Seeds the weights and the sine's phase.
    pub seed: u64,
}

impl Default for VanishingSettings {
    fn default() -> Self {
        VanishingSettings {
            time: 100,
            units: 16,
            activation: Activation::Tanh,
            recurrent_scale: 1.0,
            clip_norm: None,
            keep_bias: 0.0,
            seed: 42,
        }
    }
}

impl VanishingSettings {
    /// Checks every field, naming the first that is out of range.
    pub fn validate(&self) -> Result<(), SettingError> {
        let bad = |key: &str, why: String| Err(SettingError::new(key, why));
        let l = t().lessons;
        if !(2..=MAX_TIME).contains(&self.time) {
            return bad("time", fill(l.vanishing_time, &[("max", &MAX_TIME), ("got", &self.time)]));
        }
        if !(1..=MAX_UNITS).contains(&self.units) {
            return bad("units", fill(l.vanishing_units, &[("max", &MAX_UNITS), ("got", &self.units)]));
        }
        if !(self.recurrent_scale.is_finite() && (0.0..=MAX_SCALE).contains(&self.recurrent_scale)) {
            return bad("recurrent-scale", fill(l.vanishing_scale, &[("max", &MAX_SCALE), ("got", &self.recurrent_scale)]));
        }
        if !(self.keep_bias.is_finite() && self.keep_bias.abs() <= MAX_KEEP_BIAS) {
            return bad("keep-bias", fill(l.vanishing_keep_bias, &[("max", &MAX_KEEP_BIAS), ("got", &self.keep_bias)]));
        }
        if let Some(c) = self.clip_norm {
            if !(c.is_finite() && c > 0.0) {
                return bad("clip-norm", fill(l.vanishing_clip_norm, &[("got", &c)]));
            }
        }
        Ok(())
    }
}

/// One cell's picture.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CellGradients {
    pub cell: CellKind,
    /// Keras-style name: "SimpleRNN (tanh)", "LSTM", "GRU".
    pub name: String,
    /// `[time]` ‖∂L/∂h_t‖ for t = 0..T.
    pub curve: Vec<f32>,
    /// `[time]` ‖∂L/∂c_t‖ (LSTM's cell state; empty for the others).
    pub cell_curve: Vec<f32>,
    /// `curve[0] / curve[T-1]`: below 1 the signal vanishes on its way back, above 1 it grows.
    pub ratio: f32,
    /// The sample's loss.
    pub loss: f32,
    /// Global L2 norm of the weight gradient `‖g‖`.
    pub grad_norm: f32,
    /// With a clip norm: the factor clipping applies, `min(1, clip/‖g‖)`.
    pub clip_factor: Option<f32>,
    /// With a clip norm: the global norm of the weight gradient after clipping (the engine's
    /// `Clipping::GlobalNorm` applied to it): `min(‖g‖, clip)`.
    pub clipped_norm: Option<f32>,
    /// With a clip norm: `curve` times `clip_factor` (empty without).
    pub clipped_curve: Vec<f32>,
}

/// The whole picture: the sequence every cell read, and each cell's gradients.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VanishingPicture {
    /// `[time]` the input sequence.
    pub input: Vec<f32>,
    /// The target of the last step.
    pub target: f32,
    /// SimpleRNN, LSTM, GRU.
    pub cells: Vec<CellGradients>,
}

/// The cells compared, in order.
pub fn cells(activation: Activation) -> [CellKind; 3] {
    [CellKind::SimpleRnn { activation }, CellKind::Lstm { peephole: false }, CellKind::Gru { reset_after: true }]
}

/// The sine window and its next value: `sin(2π t / PERIOD + φ)` for t = 0..T, φ seeded.
fn sine_window(time: usize, seed: u64) -> (Vec<f32>, f32) {
    use rand::Rng;
    let phase = rng_from_seed(seed ^ 0x51_4E_E5).random_range(0.0..std::f32::consts::TAU);
    let at = |t: usize| (std::f32::consts::TAU * t as f32 / PERIOD + phase).sin();
    ((0..time).map(at).collect(), at(time))
}

/// The model a cell is pictured with, its recurrent kernel scaled.
fn model_for(cell: CellKind, s: &VanishingSettings) -> Result<Model, LessonError> {
    let spec = ModelSpec {
        input: InputSpec::Values { features: 1 },
        layers: vec![RecurrentSpec::new(cell, s.units, None)],
        return_sequences: false,
        dense_units: 1,
        loss: LossKind::Mse,
    };
    let mut model = Model::new(spec, s.seed)?;
    let at = model.params.info("rnn0.recurrent_kernel").expect("a recurrent layer has a recurrent kernel").at;
    at.of_mut(&mut model.params.values).iter_mut().for_each(|w| *w *= s.recurrent_scale);
    // The keeping gate's block of the (input) bias: LSTM `i f c o`, GRU `z r h`.
    let keep = match cell {
        CellKind::Lstm { .. } => Some(s.units..2 * s.units),
        CellKind::Gru { .. } => Some(0..s.units),
        CellKind::SimpleRnn { .. } => None,
    };
    if let Some(block) = keep {
        let bias = model.params.info("rnn0.bias").expect("a recurrent layer has a bias").at;
        bias.of_mut(&mut model.params.values)[block].iter_mut().for_each(|b| *b += s.keep_bias);
    }
    Ok(model)
}

/// Computes the picture for `settings` (a few milliseconds at the defaults).
pub fn compute(settings: &VanishingSettings) -> Result<VanishingPicture, LessonError> {
    settings.validate()?;
    let (input, target) = sine_window(settings.time, settings.seed);
    let x = Input { batch: 1, time: settings.time, data: InputData::Values(&input), mask: None, feedback: None, loss_from: 0 };
    let y = [target];
    let targets = Targets::Values(&y);
    let clipping = settings.clip_norm.map_or(Clipping::None, Clipping::GlobalNorm);
    let cells = cells(settings.activation)
        .into_iter()
        .map(|cell| {
            let model = model_for(cell, settings)?;
            let tensors: Vec<_> = model.params.infos.iter().map(|p| p.at.offset..p.at.offset + p.at.len).collect();
            let setup =
                Setup { model, optimizer: OptimizerSpec::sgd(0.0, 0.0), clipping, schedule: Schedule::Constant, seed: settings.seed };
            let mut b = backend::create(BackendKind::default(), setup)?;
            let sg = b.state_gradients(&x, &targets, 0)?;
            let dir = &sg.layers[0][0];
            let (curve, cell_curve) = (dir.h.clone(), dir.c.clone());
            let ratio = curve[0] / curve[settings.time - 1];
            let (clip_factor, clipped_norm, clipped_curve) = match settings.clip_norm {
                Some(clip) => {
                    // The engine's own clipping, applied to the weight gradient itself.
                    let (_, mut g) = b.gradients(&x, &targets)?;
                    clipping.apply(&mut g, tensors.into_iter());
                    let factor = global_clip_factor(sg.grad_norm, clip);
                    (Some(factor), Some(global_norm(&g)), curve.iter().map(|v| v * factor).collect())
                }
                None => (None, None, Vec::new()),
            };
            let name = match cell {
                CellKind::SimpleRnn { activation } => format!("SimpleRNN ({})", activation.name()),
                other => other.keras_name().to_string(),
            };
            Ok(CellGradients {
                cell,
                name,
                curve,
                cell_curve,
                ratio,
                loss: sg.loss,
                grad_norm: sg.grad_norm,
                clip_factor,
                clipped_norm,
                clipped_curve,
            })
        })
        .collect::<Result<Vec<_>, LessonError>>()?;
    Ok(VanishingPicture { input, target, cells })
}
