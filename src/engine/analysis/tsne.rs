//! Exact t-SNE (van der Maaten and Hinton 2008, "Visualizing Data using t-SNE"), advanced a slice
//! of iterations at a time so a worker can run it between other work and report progress.
//!
//! 1. Input affinities: for each row `i`, a Gaussian over the squared Euclidean distances to the
//!    others, `p(j|i) ∝ exp(−β_i·d_ij)`, with `β_i` found by bisection so that the entropy of
//!    `p(·|i)` is `ln(perplexity)`; then `P_ij = (p(j|i) + p(i|j)) / 2n` (at least 1e-12).
//! 2. Output affinities: Student-t with one degree of freedom,
//!    `Q_ij = (1 + |y_i − y_j|²)⁻¹ / Z`, `Z = Σ_{k≠l} (1 + |y_k − y_l|²)⁻¹`.
//! 3. Gradient of `KL(P‖Q)`: `∂C/∂y_i = 4 Σ_j (P_ij − Q_ij)(1 + |y_i − y_j|²)⁻¹ (y_i − y_j)`.
//! 4. Gradient descent with momentum and per-coordinate gains (Jacobs 1988: +0.2 while the
//!    gradient keeps its direction against the last update, ×0.8 otherwise, never below 0.01);
//!    `P` is multiplied by 12 for the first quarter of the run (at most 250 iterations: "early
//!    exaggeration"), with momentum 0.5, then 0.8; learning rate `max(n / 12 / 4, 50)`
//!    (scikit-learn's `learning_rate="auto"`). The start is seeded: `N(0, 1e-4²)` per coordinate.
//!    The layout is re-centred after every step.
//!
//! Exact means `O(n²)` time per iteration and `O(n²)` memory (`P` and the Student-t kernel, one
//! `f32` per pair each: 16 MB at [`MAX_POINTS`]); bigger sets are refused.
//!
//! [`Tsne::new`] only checks the rows and draws the start; the affinities of step 1 (`O(n·dim)`
//! for a row's distances and `O(n)` per bisection step, some 0.3 ms a row at n = 1,000) are
//! computed by [`Tsne::step`] too, [`CALIBRATION_SHARE`]`·n` rows in the place of each iteration
//! (comparable in time), so no call runs much longer than its iterations would. Every row and
//! iteration is a pure function of the state, so slicing the run differently gives bit-identical
//! positions, and one seed gives one picture on every platform.

use rand_distr::{Distribution, Normal};
use serde::{Deserialize, Serialize};

use super::{count_rows, AnalysisError};
use crate::engine::train::init::rng_from_seed;

/// The most rows t-SNE takes (exact t-SNE: its memory and time grow with the square).
pub const MAX_POINTS: usize = 2_000;
/// The fewest rows it takes.
pub const MIN_POINTS: usize = 5;
/// Early exaggeration factor.
const EXAGGERATION: f64 = 12.0;
/// Iterations of early exaggeration (and low momentum), at most.
const EXAGGERATION_ITERATIONS: usize = 250;
const MOMENTUM_EARLY: f64 = 0.5;
const MOMENTUM_LATE: f64 = 0.8;
const MIN_GAIN: f64 = 0.01;
/// Bisection for `β_i`: tolerance on the entropy (nats) and most steps.
const ENTROPY_TOLERANCE: f64 = 1e-5;
const BISECTION_STEPS: usize = 100;
/// Rows of affinities computed in the place of one iteration: this share of the rows (at least
/// one). Measured natively (release, dim 64): a row takes 0.2 to 0.5 ms at n = 1,000 (its distances
/// and some 25 bisection steps of `n` exponentials), an iteration 2.5 ms; at n = 2,000, 0.5 to
/// 1.6 ms and 8.5 ms.
pub const CALIBRATION_SHARE: f64 = 1.0 / 200.0;

/// What to run.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct TsneSettings {
    /// Effective number of neighbours each row's Gaussian covers (typically 5 to 50); below the
    /// number of rows.
    pub perplexity: f32,
    /// Gradient-descent iterations in all.
    pub iterations: usize,
    /// Seed of the starting layout.
    pub seed: u64,
}

impl Default for TsneSettings {
    fn default() -> Self {
        TsneSettings { perplexity: 30.0, iterations: 1_000, seed: 0 }
    }
}

/// Where a run stands.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    /// Iterations done, of `total`.
    pub done: usize,
    pub total: usize,
    /// `KL(P‖Q)` of the last iteration done (with the true `P`, also during the exaggeration);
    /// `None` before the first.
    pub kl: Option<f32>,
    /// Share of the input affinities computed, 0 to 1 (iterations start at 1).
    pub prepared: f32,
}

impl Progress {
    pub fn finished(&self) -> bool {
        self.done >= self.total
    }
}

/// A t-SNE run: the input affinities and the layout being optimised.
#[derive(Clone, Debug)]
pub struct Tsne {
    n: usize,
    settings: TsneSettings,
    /// `[n, dim]` the rows, until every row's affinities are computed (then empty).
    points: Vec<f32>,
    dim: usize,
    /// Rows whose conditional affinities `p(·|i)` are in `p`.
    calibrated: usize,
    /// Pairs `i < j` in order (`(0,1), (0,2), ..., (1,2), ...`): symmetric `P_ij`, summed row by
    /// row while calibrating.
    p: Vec<f32>,
    /// Same pairs: `(1 + |y_i − y_j|²)⁻¹` of the current iteration.
    kernel: Vec<f32>,
    /// `[n, 2]` layout, its last update and gains.
    y: Vec<f64>,
    update: Vec<f64>,
    gains: Vec<f64>,
    grad: Vec<f64>,
    /// `[n, 2]` `y` as `f32`, refreshed after each step.
    positions: Vec<f32>,
    learning_rate: f64,
    exaggerated: usize,
    done: usize,
    kl: Option<f32>,
}

impl Tsne {
    /// Checks the rows (`[n, dim]`) and settings and draws the starting layout (`O(n·dim)`; the
    /// affinities are computed by [`Tsne::step`]).
    pub fn new(points: &[f32], dim: usize, settings: TsneSettings) -> Result<Tsne, AnalysisError> {
        let n = count_rows(points, dim)?;
        if n < MIN_POINTS {
            return Err(AnalysisError::TooFew { n, min: MIN_POINTS });
        }
        if n > MAX_POINTS {
            return Err(AnalysisError::TooMany { n, max: MAX_POINTS });
        }
        let perplexity = settings.perplexity;
        if !(perplexity.is_finite() && perplexity > 0.0 && (perplexity as f64) < n as f64) {
            return Err(AnalysisError::Perplexity { perplexity, n });
        }
        let mut rng = rng_from_seed(settings.seed);
        let normal = Normal::new(0.0, 1e-4).expect("a positive deviation");
        let y: Vec<f64> = (0..2 * n).map(|_| normal.sample(&mut rng)).collect();
        let positions = y.iter().map(|&v| v as f32).collect();
        let pairs = n * (n - 1) / 2;
        Ok(Tsne {
            n,
            settings,
            points: points.to_vec(),
            dim,
            calibrated: 0,
            p: vec![0.0; pairs],
            kernel: vec![0.0; pairs],
            y,
            update: vec![0.0; 2 * n],
            gains: vec![1.0; 2 * n],
            grad: vec![0.0; 2 * n],
            positions,
            learning_rate: (n as f64 / EXAGGERATION / 4.0).max(50.0),
            exaggerated: (settings.iterations / 4).min(EXAGGERATION_ITERATIONS),
            done: 0,
            kl: None,
        })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    pub fn settings(&self) -> &TsneSettings {
        &self.settings
    }

    pub fn progress(&self) -> Progress {
        let prepared = self.calibrated as f32 / self.n as f32;
        Progress { done: self.done, total: self.settings.iterations, kl: self.kl, prepared }
    }

    /// `[n, 2]` the current layout (the seeded start before the first step).
    pub fn positions(&self) -> &[f32] {
        &self.positions
    }

    /// Runs up to `max_iterations` more iterations (none once all are done); while the input
    /// affinities are not all computed, each iteration of the budget computes
    /// [`CALIBRATION_SHARE`] of them instead.
    pub fn step(&mut self, max_iterations: usize) -> Progress {
        let mut budget = max_iterations;
        let rows_per_iteration = ((self.n as f64 * CALIBRATION_SHARE) as usize).max(1);
        while self.calibrated < self.n && budget > 0 {
            let end = (self.calibrated + rows_per_iteration).min(self.n);
            let perplexity = self.settings.perplexity as f64;
            for i in self.calibrated..end {
                calibrate_row(&self.points, self.dim, self.n, i, perplexity, &mut self.p);
            }
            self.calibrated = end;
            budget -= 1;
            if self.calibrated == self.n {
                self.p.iter_mut().for_each(|p| *p = p.max(1e-12));
                self.points = Vec::new();
            }
        }
        let todo = budget.min(self.settings.iterations - self.done);
        for k in 0..todo {
            self.iterate(k + 1 == todo);
        }
        if todo > 0 {
            self.positions.iter_mut().zip(&self.y).for_each(|(p, &y)| *p = y as f32);
        }
        self.progress()
    }

    /// One iteration; with `measure`, records `KL(P‖Q)`.
    fn iterate(&mut self, measure: bool) {
        let n = self.n;
        let early = self.done < self.exaggerated;
        let exaggeration = if early { EXAGGERATION } else { 1.0 };
        let momentum = if early { MOMENTUM_EARLY } else { MOMENTUM_LATE };
        let kl = forces(&self.p, &self.y, exaggeration, measure, &mut self.kernel, &mut self.grad);
        let y = &mut self.y;
        for (((y, u), &g), gain) in y.iter_mut().zip(&mut self.update).zip(&self.grad).zip(&mut self.gains) {
            *gain = if (g > 0.0) != (*u > 0.0) { *gain + 0.2 } else { *gain * 0.8 }.max(MIN_GAIN);
            *u = momentum * *u - self.learning_rate * *gain * g;
            *y += *u;
        }
        for c in 0..2 {
            let mean = y.iter().skip(c).step_by(2).sum::<f64>() / n as f64;
            y.iter_mut().skip(c).step_by(2).for_each(|v| *v -= mean);
        }
        self.done += 1;
        if let Some(kl) = kl {
            self.kl = Some(kl as f32);
        }
    }

    /// The input affinities `P_ij` of the pairs `i < j`, in order (`(0,1), (0,2), ..., (1,2),
    /// ...`); complete once [`Progress::prepared`] is 1.
    pub fn affinities(&self) -> &[f32] {
        &self.p
    }
}

/// `KL(P‖Q)` of the layout `y` (`[n, 2]`) for the affinities `p` (pairs `i < j` in order, as
/// [`Tsne::affinities`]), and its gradient `[n, 2]`: what each iteration computes (for checks).
pub fn kl_and_gradient(p: &[f32], y: &[f64]) -> (f64, Vec<f64>) {
    let mut kernel = vec![0.0; p.len()];
    let mut grad = vec![0.0; y.len()];
    let kl = forces(p, y, 1.0, true, &mut kernel, &mut grad).unwrap_or(0.0);
    (kl, grad)
}

/// Fills `grad` with `∂KL/∂y` (`P` multiplied by `exaggeration`) and `kernel` with each pair's
/// `(1 + |y_i − y_j|²)⁻¹`; with `measure`, returns `KL(P‖Q)` (with the true `P`).
fn forces(p: &[f32], y: &[f64], exaggeration: f64, measure: bool, kernel: &mut [f32], grad: &mut [f64]) -> Option<f64> {
    let n = y.len() / 2;
    // Student-t kernel of every pair and its sum over ordered pairs.
    let mut z = 0.0f64;
    let mut at = 0;
    for i in 0..n {
        let (yi0, yi1) = (y[2 * i], y[2 * i + 1]);
        for j in i + 1..n {
            let (d0, d1) = (yi0 - y[2 * j], yi1 - y[2 * j + 1]);
            let q = 1.0 / (1.0 + d0 * d0 + d1 * d1);
            kernel[at] = q as f32;
            z += q;
            at += 1;
        }
    }
    z *= 2.0;
    let z_inv = 1.0 / z;
    grad.fill(0.0);
    let mut kl = 0.0f64;
    let mut at = 0;
    for i in 0..n {
        let (yi0, yi1) = (y[2 * i], y[2 * i + 1]);
        let (mut g0, mut g1) = (0.0f64, 0.0f64);
        for j in i + 1..n {
            let (p, q) = (p[at] as f64, kernel[at] as f64);
            at += 1;
            // 4 (P_ij − Q_ij) (1 + |y_i − y_j|²)⁻¹ (y_i − y_j), and its opposite for j.
            let m = 4.0 * (exaggeration * p - q * z_inv) * q;
            let (d0, d1) = (yi0 - y[2 * j], yi1 - y[2 * j + 1]);
            g0 += m * d0;
            g1 += m * d1;
            grad[2 * j] -= m * d0;
            grad[2 * j + 1] -= m * d1;
            if measure {
                kl += p * (p / (q * z_inv).max(f64::MIN_POSITIVE)).ln();
            }
        }
        grad[2 * i] += g0;
        grad[2 * i + 1] += g1;
    }
    // Each unordered pair stands for P_ij and P_ji.
    measure.then_some(2.0 * kl)
}

/// Calibrates row `i`: finds `β_i` and adds `p(j|i) / 2n` to the affinity of each pair `{i, j}`
/// in `p` (pairs `i < j` in order), which therefore holds `P_ij` once every row is done.
fn calibrate_row(points: &[f32], dim: usize, n: usize, i: usize, perplexity: f64, p: &mut [f32]) {
    let xi = &points[i * dim..(i + 1) * dim];
    let d: Vec<f64> = points.chunks_exact(dim).map(|xj| xi.iter().zip(xj).map(|(&a, &b)| (a as f64 - b as f64).powi(2)).sum()).collect();
    // Distances relative to the nearest other row, so that exp never underflows everywhere.
    let nearest = (0..n).filter(|&j| j != i).map(|j| d[j]).fold(f64::INFINITY, f64::min);
    let target = perplexity.ln();
    let mut row = vec![0.0f64; n];
    let (mut beta, mut lo, mut hi) = (1.0f64, 0.0f64, f64::INFINITY);
    for _ in 0..BISECTION_STEPS {
        let (mut sum, mut weighted) = (0.0f64, 0.0f64);
        for j in 0..n {
            let dj = d[j] - nearest;
            let pj = if j == i { 0.0 } else { (-beta * dj).exp() };
            row[j] = pj;
            sum += pj;
            weighted += dj * pj;
        }
        // Entropy of p(·|i) = ln Σ + β·Σ d·p / Σ (Σ >= 1: the nearest row has weight 1).
        let entropy = sum.ln() + beta * weighted / sum;
        let gap = entropy - target;
        if gap.abs() < ENTROPY_TOLERANCE {
            break;
        }
        if gap > 0.0 {
            // Too flat: a narrower Gaussian.
            lo = beta;
            beta = if hi.is_finite() { (beta + hi) / 2.0 } else { beta * 2.0 };
        } else {
            hi = beta;
            beta = (beta + lo) / 2.0;
        }
    }
    let scale = 1.0 / (row.iter().sum::<f64>() * 2.0 * n as f64);
    // Pair {i, j} sits at (min, max): row k < j starts at k·n − k(k+1)/2, and j is k+1.. within it.
    let start = |k: usize| k * n - k * (k + 1) / 2;
    for (j, &pj) in row.iter().enumerate() {
        let at = match j.cmp(&i) {
            std::cmp::Ordering::Less => start(j) + (i - j - 1),
            std::cmp::Ordering::Greater => start(i) + (j - i - 1),
            std::cmp::Ordering::Equal => continue,
        };
        p[at] += (pj * scale) as f32;
    }
}
