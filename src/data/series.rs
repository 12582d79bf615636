//! One-dimensional series: the course's sine wave, and sequences typed by the user.

use std::fmt;

use rand_distr::{Distribution, Normal};

use crate::engine::train::init::Rng8;
use crate::i18n::{fill, t};

/// The sine lesson's data: `y = amplitude · sin(frequency · x) + noise·N(0, 1)` at `points` evenly
/// spaced `x` from `x_min` to `x_max` (both included), as in the course's slides (`sin(x)` on
/// [0, 10] at 250 points).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sine {
    pub amplitude: f32,
    pub frequency: f32,
    pub noise: f32,
    pub x_min: f32,
    pub x_max: f32,
    pub points: usize,
}

impl Sine {
    /// Spacing between samples.
    pub fn dx(&self) -> f32 {
        (self.x_max - self.x_min) / (self.points.max(2) - 1) as f32
    }
    /// The `i`-th sample position (also beyond the sampled range, for the true continuation).
    pub fn x(&self, i: usize) -> f32 {
        self.x_min + i as f32 * self.dx()
    }
    /// The noise-free value at `x`.
    pub fn clean(&self, x: f32) -> f32 {
        self.amplitude * (self.frequency * x).sin()
    }
    /// The sampled series (noise drawn from `rng`).
    pub fn sample(&self, rng: &mut Rng8) -> Vec<f32> {
        let normal = Normal::new(0.0f32, self.noise.max(0.0)).expect("noise is finite and >= 0");
        (0..self.points).map(|i| self.clean(self.x(i)) + if self.noise > 0.0 { normal.sample(rng) } else { 0.0 }).collect()
    }
}

/// Fewest numbers a typed sequence needs (some to train on, one to hold out).
pub const MIN_TYPED: usize = 4;
/// Most numbers a typed sequence may hold.
pub const MAX_TYPED: usize = 10_000;

/// Why a typed sequence was refused. The messages (in the page's language) are shown beside the
/// text box. `token` is the number's text as typed (at most 24 characters), `position` its place
/// in the sequence, from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SeriesError {
    /// Nothing typed.
    Empty,
    /// A token that does not read as a number.
    NotANumber { token: String, position: usize },
    /// NaN or infinity (or beyond `f32`).
    NotFinite { token: String, position: usize },
    /// Beyond [`MAX_MAGNITUDE`].
    TooLarge { token: String, position: usize },
    /// Fewer than [`MIN_TYPED`] numbers.
    TooFew { count: usize },
    /// More than [`MAX_TYPED`] numbers.
    TooMany { count: usize },
    /// Every number the same.
    Constant { value: String },
}

impl fmt::Display for SeriesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = &t().exercises;
        // The typed token goes in last, so that braces in it are never taken for a placeholder.
        let typed = |template: &str, token: &String, position: &usize| fill(template, &[("position", position), ("token", token)]);
        let message = match self {
            SeriesError::Empty => text.seq_empty.to_string(),
            SeriesError::NotANumber { token, position } => typed(text.seq_not_a_number, token, position),
            SeriesError::NotFinite { token, position } => typed(text.seq_not_finite, token, position),
            SeriesError::TooLarge { token, position } => {
                let template = fill(text.seq_too_large, &[("max", &format!("{MAX_MAGNITUDE:e}"))]);
                typed(&template, token, position)
            }
            SeriesError::TooFew { count } => {
                let template = if *count == 1 { text.seq_too_few_one } else { text.seq_too_few_other };
                fill(template, &[("count", count), ("min", &MIN_TYPED)])
            }
            SeriesError::TooMany { count } => fill(text.seq_too_many, &[("count", count), ("max", &MAX_TYPED)]),
            SeriesError::Constant { value } => fill(text.seq_constant, &[("value", value)]),
        };
        f.write_str(&message)
    }
}

impl std::error::Error for SeriesError {}

/// Largest magnitude a typed value may have. The engine computes in `f32`: a series is
/// standardised for training, and its predictions are scaled back by its standard deviation and
/// squared for the errors, which overflow (to infinity, then NaN) far below `f32::MAX`; 1e15 keeps
/// the square of ten standard deviations finite.
pub const MAX_MAGNITUDE: f32 = 1e15;

/// Splits a typed sequence into its number texts (commas, semicolons and whitespace separate).
fn number_texts(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()).filter(|t| !t.is_empty())
}

/// How many numbers (well formed or not) a typed sequence holds.
pub fn count_numbers(text: &str) -> usize {
    number_texts(text).count()
}

/// Parses a typed sequence: numbers separated by commas, semicolons or whitespace
/// (`1, 2, 3` or `0 0.84 0.91 0.14 -0.75`).
pub fn parse_sequence(text: &str) -> Result<Vec<f32>, SeriesError> {
    let mut out = Vec::new();
    for (i, tok) in number_texts(text).enumerate() {
        if out.len() >= MAX_TYPED {
            return Err(SeriesError::TooMany { count: count_numbers(text) });
        }
        let shown: String = tok.chars().take(24).collect();
        match tok.parse::<f32>() {
            Ok(v) if v.is_finite() && v.abs() > MAX_MAGNITUDE => return Err(SeriesError::TooLarge { token: shown, position: i + 1 }),
            Ok(v) if v.is_finite() => out.push(v),
            Ok(_) => return Err(SeriesError::NotFinite { token: shown, position: i + 1 }),
            Err(_) => return Err(SeriesError::NotANumber { token: shown, position: i + 1 }),
        }
    }
    match out.len() {
        0 => Err(SeriesError::Empty),
        n if n < MIN_TYPED => Err(SeriesError::TooFew { count: n }),
        _ if out.iter().all(|&v| v == out[0]) => Err(SeriesError::Constant { value: out[0].to_string() }),
        _ => Ok(out),
    }
}

/// Mean and standard deviation used to standardise a typed series for training.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub mean: f32,
    pub std: f32,
}

impl Scale {
    pub const IDENTITY: Scale = Scale { mean: 0.0, std: 1.0 };

    pub fn of(values: &[f32]) -> Scale {
        let n = values.len().max(1) as f64;
        let mean = values.iter().map(|&v| v as f64).sum::<f64>() / n;
        let var = values.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
        let std = var.sqrt();
        Scale { mean: mean as f32, std: if std > 0.0 { std as f32 } else { 1.0 } }
    }
    pub fn forward(&self, v: f32) -> f32 {
        (v - self.mean) / self.std
    }
    pub fn inverse(&self, v: f32) -> f32 {
        v * self.std + self.mean
    }
}
