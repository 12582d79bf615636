//! Next-step prediction of a one-dimensional series (the sine wave, or a typed sequence), and
//! free-running generation from a seed window.
//!
//! The series is split in two: the first 80 % is the training stretch, from which random windows
//! of T steps are drawn (target = the window shifted one step ahead); the last 20 % is held out.
//! - Held-out next-step MSE: every held-out value predicted from the T values before it.
//! - Generation: from the last T training values (or the T values before `gen-start`), the model
//!   predicts the next value, appends it to the window, drops the oldest, and repeats `gen_steps`
//!   times on its own predictions. The sine's true continuation is the noise-free wave; a typed
//!   sequence's is its values after the start.
//!
//! Typed sequences are standardised (mean 0, standard deviation 1) for training; predictions and
//! MSEs are reported in the sequence's own units. The sine is used as it is, as in the course.

use serde::{Deserialize, Serialize};

use super::chain::{value_label, Chain, ChainLayer, ChainOutput, ChainSource, ChainStep};
use super::{check_fits, from_file, halvings, Estimate, LessonError};
use crate::data::series::{parse_sequence, Scale, Sine};
use crate::data::windows::{context_windows, sample_batch};
use crate::engine::backend::{self, Backend, Setup, Workers};
use crate::engine::model::footprint::{self, Work};
use crate::engine::model::{InputSpec, LossKind, ModelSpec, RecurrentSpec};
use crate::engine::train::init::{rng_from_seed, Rng8};
use crate::engine::train::StepStats;
use crate::engine::{Input, InputData, Model, Targets};
use crate::i18n::{fill, t};
use crate::model_file::ModelFile;
use crate::settings::{ActivationChoice, Cell, GenFrom, Predict, SettingError, Settings, Task, Training};

/// Each training batch is computed in this many parts (`Backend::set_parts`), everywhere: in the
/// browser the second part runs on a helper worker where the page may have one, and the same
/// settings train the same weights whether it has one or not (and natively).
pub const PARTS: usize = 2;
/// Share of the series held out from training.
pub const HELD_OUT_SHARE: f32 = 0.2;
/// A loss this many times the first loss (and above [`DIVERGED_FLOOR`]) counts as diverged.
pub const DIVERGED_FACTOR: f32 = 100.0;
pub const DIVERGED_FLOOR: f32 = 1e3;

/// What does not change while a lesson trains: the series and how it is split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeriesInfo {
    /// Position of every value (x for the sine, the index for a typed sequence).
    pub xs: Vec<f32>,
    /// The series in its own units.
    pub values: Vec<f32>,
    /// Values `[0, train_end)` are trained on; the rest is held out.
    pub train_end: usize,
    /// Generation starts at this value (`gen-start`, by default `train_end`): the seed window is
    /// the `window` values before it.
    pub gen_at: usize,
    /// Window length actually used (T, shortened for short typed sequences).
    pub window: usize,
    /// Different training windows there are (`train_end - window`): what the model can learn
    /// from; a handful can only be memorised.
    pub train_windows: usize,
    /// Number of trainable weights.
    pub params: usize,
    /// A one-line description of the model, Keras style.
    pub model: String,
    /// Whether the values were standardised for training.
    pub standardised: bool,
    /// Memory and time per step it is estimated to take on its engine.
    pub estimate: Estimate,
    /// The model's architecture (for its summary and Keras code).
    pub spec: ModelSpec,
}

/// One look at how well the model does (sent to the page a few times a second).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    pub step: u64,
    /// Held-out positions, true values, and one-step predictions (own units).
    pub heldout_x: Vec<f32>,
    pub heldout_truth: Vec<f32>,
    pub heldout_pred: Vec<f32>,
    /// Mean squared error of the one-step predictions (own units).
    pub heldout_mse: f32,
    /// The same error in training units, comparable with the training loss.
    pub heldout_loss: f32,
    /// Generated positions and values (free-running), and the true continuation where known.
    pub gen_x: Vec<f32>,
    pub gen_pred: Vec<f32>,
    pub gen_truth: Vec<f32>,
    /// MSE over the steps whose truth is known; `None` when none is.
    pub gen_mse: Option<f32>,
}

/// What one training step did.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    pub step: u64,
    pub stats: StepStats,
    /// Set when the loss is not finite or has exploded: why, and what to try.
    pub diverged: Option<String>,
}

/// A running next-step-prediction lesson.
#[derive(Debug)]
pub struct SeriesLesson {
    pub settings: Settings,
    info: SeriesInfo,
    /// The series in training units.
    train_values: Vec<f32>,
    /// What the model reads and predicts, in training units: `train_values`, or with
    /// `Predict::Change` the changes between them (`inputs[i] = train_values[i + 1] -
    /// train_values[i]`, so model index `i` is value index `i + lag`).
    inputs: Vec<f32>,
    lag: usize,
    scale: Scale,
    /// True continuation after the seed window (own units).
    truth: Vec<f32>,
    gen_x: Vec<f32>,
    backend: Box<dyn Backend>,
    rng: Rng8,
    step: u64,
    first_loss: Option<f32>,
    batch_x: Vec<f32>,
    batch_y: Vec<f32>,
}

impl SeriesLesson {
    /// Builds the data and the model from `settings`. Nothing is kept on error.
    pub fn new(settings: &Settings) -> Result<Self, LessonError> {
        settings.validate()?;
        let mut rng = rng_from_seed(settings.seed);
        // Data: own units, positions, and what generation is compared with.
        let (values, xs, sine) = match settings.task {
            Task::Sine => {
                let s = sine_of(settings);
                let data_rng = &mut rng_from_seed(settings.seed ^ 0x5EED_DA7A);
                (s.sample(data_rng), (0..s.points).map(|i| s.x(i)).collect::<Vec<_>>(), Some(s))
            }
            Task::Typed => {
                let v = parse_sequence(&settings.series)?;
                let xs = (0..v.len()).map(|i| i as f32).collect();
                (v, xs, None)
            }
            Task::Agnews => {
                return Err(SettingError::new("task", "agnews is the news lesson, not a series (see lesson::news)".into()).into());
            }
        };
        let n = values.len();
        let train_end = train_end_of(n);
        let scale = if sine.is_some() { Scale::IDENTITY } else { Scale::of(&values[..train_end]) };
        let train_values: Vec<f32> = values.iter().map(|&v| scale.forward(v)).collect();
        // What the model reads and predicts: the values, or the changes between them (whose
        // index i is the step from value i to value i + 1: one fewer).
        let lag = usize::from(settings.predict == Predict::Change);
        let inputs: Vec<f32> = if lag == 1 { train_values.windows(2).map(|p| p[1] - p[0]).collect() } else { train_values.clone() };
        let train_end_m = train_end - lag;
        if train_end_m < 2 {
            return Err(SettingError::new("predict", fill(t().lessons.predict_changes_too_short, &[("n", &train_end)])).into());
        }
        let window = window_for(settings.seq_len, train_end_m);
        let (gen_at, truth, gen_x) = generation_plan(settings, &values, sine.as_ref(), train_end, window, lag)?;
        // Model: the recurrent stack, returning sequences, with a Dense(1) head per step.
        let spec = ModelSpec {
            input: InputSpec::Values { features: 1 },
            layers: vec![
                RecurrentSpec {
                    dropout: settings.dropout,
                    recurrent_dropout: settings.recurrent_dropout,
                    ..RecurrentSpec::new(settings.cell_kind(), settings.units, None)
                };
                settings.layers
            ],
            return_sequences: true,
            dense_units: 1,
            loss: LossKind::Mse,
        };
        // Before anything is allocated: does it fit the engine?
        let kind = settings.engine.kind();
        let optimizer = settings.optimizer_spec();
        let estimate_for = |batch: usize, time: usize| {
            let work = Work { batch, time, parts: PARTS, eval_batch: n - train_end, eval_time: time };
            Estimate::of(kind, footprint::estimate(&spec, &optimizer, work))
        };
        let estimate = check_fits(kind, estimate_for(settings.batch, window), || {
            if let Some(b) = halvings(settings.batch).find(|&b| estimate_for(b, window).fits(kind)) {
                return Some(fill(t().data.instead_batch, &[("b", &b)]));
            }
            halvings(window)
                .find(|&steps| steps >= 2 && estimate_for(1, steps).fits(kind))
                .map(|steps| fill(t().data.instead_batch_windows, &[("t", &steps)]))
        })?;
        let model = Model::new(spec.clone(), rng_seed_for_weights(&mut rng))?;
        let info = SeriesInfo {
            spec,
            xs,
            values,
            train_end,
            gen_at,
            window,
            train_windows: train_end_m - window,
            params: model.param_count(),
            model: describe(settings),
            standardised: sine.is_none(),
            estimate,
        };
        let mut backend = backend::create(
            kind,
            Setup { model, optimizer, clipping: settings.clip(), schedule: settings.schedule(settings.steps), seed: settings.seed },
        )?;
        backend.set_parts(PARTS);
        backend.reserve(settings.batch, window, feedback_from(settings, window))?;
        Ok(SeriesLesson {
            settings: settings.clone(),
            info,
            train_values,
            inputs,
            lag,
            scale,
            truth,
            gen_x,
            backend,
            rng,
            step: 0,
            first_loss: None,
            batch_x: Vec::new(),
            batch_y: Vec::new(),
        })
    }

    pub fn info(&self) -> &SeriesInfo {
        &self.info
    }

    pub fn step_count(&self) -> u64 {
        self.step
    }

    /// Weights trained `step` steps were loaded (a restarted worker): the count goes on from
    /// there. The optimiser's moments start again, as they were not kept.
    pub fn resume_at(&mut self, step: u64) {
        self.step = step;
    }

    /// Where the [`PARTS`] parts of each batch are computed (native threads, the browser's
    /// helper worker). Results do not change.
    /// The engine's dispatches and submissions so far (the WebGPU engine counts them).
    pub fn work_counts(&self) -> Option<crate::engine::gpu::WorkCounts> {
        self.backend.work_counts()
    }

    pub fn set_workers(&mut self, workers: Workers) {
        self.backend.set_workers(workers);
    }

    /// Goes on training on `backend` (another engine, built for the same model), from the
    /// weights and optimiser state reached so far. The dropout masks are drawn afresh from there.
    pub fn take_over(&mut self, mut backend: Box<dyn Backend>) -> Result<(), LessonError> {
        crate::engine::backend::hand_over(self.backend.as_ref(), backend.as_mut())?;
        backend.set_parts(PARTS);
        self.backend = backend;
        Ok(())
    }

    /// After the engine failed for good (a lost WebGPU device): training can go on on the CPU
    /// engine from the weights it last copied back; the steps whose updates that loses (the step
    /// count goes on). `None` when the engine cannot be salvaged so. The optimiser's moments
    /// start again.
    pub fn fall_back_to_cpu(&mut self) -> Option<Result<u64, LessonError>> {
        let (weights, lost) = self.backend.salvage()?;
        let on_cpu = Settings { engine: crate::settings::EngineChoice::Cpu, ..self.settings.clone() };
        Some(SeriesLesson::new(&on_cpu).and_then(|cpu| {
            let mut backend = cpu.into_backend();
            backend.load_weights(&weights)?;
            self.backend = backend;
            Ok(lost)
        }))
    }

    /// The experiment of a series model file (one the page saved, or `unroll train --save`):
    /// its settings ([`from_file::series_settings`]: the ones it was saved with, else `base`'s,
    /// with its stack) around its weights (`from`: the file's model, which reading the file built
    /// and checked). Nothing is kept on error.
    pub fn from_file(base: &Settings, file: &ModelFile, from: Model) -> Result<Self, LessonError> {
        let refuse = |m: String| LessonError::Setting(SettingError::new("model", m));
        let settings = from_file::series_settings(file, base).map_err(refuse)?;
        let mut lesson = SeriesLesson::new(&settings)?;
        let weights = from_file::weights_for(from, &lesson.model()).map_err(refuse)?;
        lesson.backend.load_weights(&weights)?;
        Ok(lesson)
    }

    /// The model as a file, with the settings that made it (opening it rebuilds this experiment).
    pub fn to_file(&self) -> ModelFile {
        let mut file = ModelFile::from_model(&self.backend.model(), false);
        let query = self.settings.to_query();
        file.about = Some(fill(t().worker.series_about, &[("steps", &self.step), ("settings", &query)]));
        file.settings = Some(query);
        file
    }

    /// The engine, given up (to [`SeriesLesson::take_over`] elsewhere).
    pub fn into_backend(self) -> Box<dyn Backend> {
        self.backend
    }

    /// The engine the lesson trains on.
    pub fn backend(&mut self) -> &mut dyn Backend {
        self.backend.as_mut()
    }

    /// The model with its current weights.
    pub fn model(&self) -> Model {
        self.backend.model()
    }

    /// One optimisation step on a random batch of training windows, on an engine that gives its
    /// results at once (the CPU engine; the WebGPU engine natively).
    pub fn train_step(&mut self) -> Result<StepOutcome, LessonError> {
        let later = || {
            LessonError::Engine(crate::engine::EngineError::Gpu(
                "this engine gives its results later: use submit_step and arrived_steps".into(),
            ))
        };
        // Refused before a step is taken: nothing changes.
        if self.backend.defers() {
            return Err(later());
        }
        self.submit_step()?.ok_or_else(later)
    }

    /// One optimisation step on a random batch of training windows: its outcome now, or `None`
    /// when the engine gives it later (the WebGPU engine in the browser), from
    /// [`SeriesLesson::arrived_steps`]. The step count moves when the outcome is known.
    pub fn submit_step(&mut self) -> Result<Option<StepOutcome>, LessonError> {
        let (w, b) = (self.info.window, self.settings.batch);
        let end = self.info.train_end - self.lag;
        sample_batch(&self.inputs, end, w, b, &mut self.rng, &mut self.batch_x, &mut self.batch_y);
        let feedback = self.feedback_from();
        let loss_from = warm_up(self.settings.warmup, w);
        let input = Input { batch: b, time: w, data: InputData::Values(&self.batch_x), mask: None, feedback, loss_from };
        let stats = self.backend.submit_batch(&input, &Targets::Values(&self.batch_y))?;
        Ok(stats.map(|s| self.outcome(s)))
    }

    /// The outcomes of steps submitted earlier whose results came since, oldest first.
    pub fn arrived_steps(&mut self) -> Result<Vec<StepOutcome>, LessonError> {
        let arrived = self.backend.arrived()?;
        Ok(arrived.into_iter().map(|a| self.outcome(a.stats)).collect())
    }

    /// Steps submitted whose outcomes have not come yet.
    pub fn in_flight(&self) -> usize {
        self.backend.in_flight()
    }

    /// Whether evaluations, views and the weights see every step submitted (when not, the engine
    /// is fetching its weights: ask again after a yield).
    pub fn settled(&mut self) -> Result<bool, LessonError> {
        Ok(self.backend.settled()?)
    }

    /// A step's outcome from its statistics: the step count moves on, and divergence is judged.
    fn outcome(&mut self, stats: StepStats) -> StepOutcome {
        self.step += 1;
        let first = *self.first_loss.get_or_insert(stats.loss);
        let diverged = if !stats.loss.is_finite() || !stats.grad_norm.is_finite() {
            Some(fill(t().lessons.diverged_not_finite, &[("step", &self.step), ("lr", &self.settings.lr)]))
        } else if stats.loss > (DIVERGED_FACTOR * first).max(DIVERGED_FLOOR) {
            Some(fill(
                t().lessons.diverged_exploded,
                &[
                    ("step", &self.step),
                    ("loss", &format!("{:.3e}", stats.loss)),
                    ("first", &format!("{first:.3e}")),
                    ("lr", &self.settings.lr),
                ],
            ))
        } else {
            None
        };
        StepOutcome { step: self.step, stats, diverged }
    }

    /// Generates as `settings` say (`gen-from`, `gen-start`, `gen-steps`), keeping the weights and
    /// everything else ([`only_generation_differs`] must hold). Nothing changes on error.
    pub fn set_generation(&mut self, settings: &Settings) -> Result<(), LessonError> {
        settings.validate()?;
        debug_assert!(only_generation_differs(&self.settings, settings));
        let sine = (settings.task == Task::Sine).then(|| sine_of(settings));
        let (at, truth, gen_x) =
            generation_plan(settings, &self.info.values, sine.as_ref(), self.info.train_end, self.info.window, self.lag)?;
        self.info.gen_at = at;
        self.truth = truth;
        self.gen_x = gen_x;
        self.settings = settings.clone();
        Ok(())
    }

    /// With free-running training, the first step of the windows that reads the model's own
    /// prediction: [`free_steps`] before the end.
    fn feedback_from(&self) -> Option<usize> {
        feedback_from(&self.settings, self.info.window)
    }

    /// The model's window of the series starting at value `start` (clamped to the series), run
    /// through the model step by step at the current weights: every state and gate.
    pub fn chain(&mut self, start: usize) -> Result<Chain, LessonError> {
        let (n, w, lag) = (self.inputs.len(), self.info.window, self.lag);
        let start = start.min(n - w);
        let x = &self.inputs[start..start + w];
        // Scored as in training: after the warm-up.
        let loss_from = warm_up(self.settings.warmup, w);
        let input = Input { batch: 1, time: w, data: InputData::Values(x), mask: None, feedback: None, loss_from };
        let trace = self.backend.trace(&input, 0)?;
        // After step t the model predicts model index start + t + 1, value index start + t + 1 + lag.
        let predicted = (0..w).map(|t| self.value_from(trace.outputs[t], start + t + 1 + lag)).collect();
        let truth = (0..w).map(|t| self.info.values.get(start + t + 1 + lag).copied()).collect();
        let gradients = match self.inputs.get(start + 1..start + w + 1) {
            Some(next) => Some(self.backend.state_gradients(&input, &Targets::Values(next), 0)?),
            None => None,
        };
        let steps = (start..start + w)
            .map(|i| {
                let label = if lag == 1 {
                    let d = self.info.values[i + 1] - self.info.values[i];
                    format!("{}{}", if d >= 0.0 { "+" } else { "" }, value_label(d))
                } else {
                    value_label(self.info.values[i])
                };
                ChainStep { label, oov: false }
            })
            .collect();
        let start = start + lag;
        let place = if self.settings.task == Task::Sine {
            format!("x = {}", value_label(self.info.xs[start]))
        } else {
            fill(t().lessons.chain_place_value, &[("n", &(start + 1))])
        };
        let l = t().lessons;
        let part = if start + w <= self.info.train_end { l.chain_training_stretch } else { l.chain_heldout_stretch };
        let caption = if lag == 1 { l.chain_caption_changes } else { l.chain_caption_values };
        Ok(Chain {
            source: ChainSource::Window { start: start - lag },
            caption: fill(caption, &[("w", &w), ("place", &place), ("part", &part)]),
            layers: ChainLayer::of(self.backend.spec()),
            steps,
            trace,
            output: ChainOutput::Next { predicted, truth },
            gradients,
            loss_of: match loss_from {
                0 => l.loss_of_next.into(),
                1 => l.loss_of_next_after_one.into(),
                k => fill(l.loss_of_next_after_many, &[("k", &k)]),
            },
            trained_steps: Some(self.step),
        })
    }

    /// The value at value index `at` (own units) from the model's output for it: the value
    /// itself, or the change from the value before.
    fn value_from(&self, out: f32, at: usize) -> f32 {
        let base = if self.lag == 1 { self.train_values[at - 1] } else { 0.0 };
        self.scale.inverse(base + out)
    }

    /// The model's outputs for the last step of each window `[n, window, 1]` (training units).
    fn predict_last(&mut self, windows: &[f32], n: usize) -> Result<Vec<f32>, LessonError> {
        let w = self.info.window;
        let input = Input { batch: n, time: w, data: InputData::Values(windows), mask: None, feedback: None, loss_from: 0 };
        let out = self.backend.predict(&input)?; // [n, w, 1]
        Ok((0..n).map(|i| out[i * w + w - 1]).collect())
    }

    /// Held-out one-step predictions and free-running generation, at once.
    pub fn evaluate(&mut self) -> Result<Evaluation, LessonError> {
        let mut job = self.begin_evaluation();
        loop {
            if let Some(e) = self.advance_evaluation(&mut job, usize::MAX)? {
                return Ok(e);
            }
        }
    }

    /// An evaluation of the current weights, to be done a little at a time
    /// ([`SeriesLesson::advance_evaluation`]) so the worker stays responsive. The weights must
    /// not change until it is complete.
    pub fn begin_evaluation(&self) -> EvalJob {
        let (n, end, w, at) = (self.info.values.len(), self.info.train_end, self.info.window, self.info.gen_at);
        EvalJob {
            windows: context_windows(&self.inputs, end - self.lag..n - self.lag, w),
            heldout_pred: Vec::with_capacity(n - end),
            window: match self.settings.gen_from {
                GenFrom::Data => self.inputs[at - self.lag - w..at - self.lag].to_vec(),
                // Zeros in the series' own units (no change, when it reads changes).
                GenFrom::Zeros => vec![if self.lag == 1 { 0.0 } else { self.scale.forward(0.0) }; w],
            },
            last: match self.settings.gen_from {
                GenFrom::Data => self.train_values[at - 1],
                GenFrom::Zeros => self.scale.forward(0.0),
            },
            gen_pred: Vec::with_capacity(self.gen_x.len()),
        }
    }

    /// Does about `units` windows of `job` (held-out windows go in fixed groups of
    /// [`HELDOUT_CHUNK`], one generation step is one window): the evaluation once it is complete.
    /// The grouping never depends on `units`, so the result is the same however it is sliced.
    pub fn advance_evaluation(&mut self, job: &mut EvalJob, units: usize) -> Result<Option<Evaluation>, LessonError> {
        let (n, end, w) = (self.info.values.len(), self.info.train_end, self.info.window);
        let held = n - end;
        let mut done = 0;
        while done < units && job.heldout_pred.len() < held {
            let from = job.heldout_pred.len();
            let k = HELDOUT_CHUNK.min(held - from);
            let outs = self.predict_last(&job.windows[from * w..(from + k) * w], k)?;
            let preds: Vec<f32> = outs.iter().enumerate().map(|(i, &o)| self.value_from(o, end + from + i)).collect();
            job.heldout_pred.extend(preds);
            done += k;
        }
        // Generation: slide a window over the model's own predictions.
        while done < units && job.gen_pred.len() < self.gen_x.len() {
            let out = self.predict_last(&job.window, 1)?[0];
            // The next value in training units: the output, or the last value plus it.
            let next = if self.lag == 1 { job.last + out } else { out };
            job.last = next;
            job.gen_pred.push(self.scale.inverse(next));
            job.window.remove(0);
            job.window.push(out);
            done += 1;
        }
        if job.heldout_pred.len() < held || job.gen_pred.len() < self.gen_x.len() {
            return Ok(None);
        }
        let heldout_pred = std::mem::take(&mut job.heldout_pred);
        let gen_pred = std::mem::take(&mut job.gen_pred);
        let heldout_truth = self.info.values[end..].to_vec();
        let heldout_mse = mse(&heldout_pred, &heldout_truth);
        let heldout_loss = heldout_mse / (self.scale.std * self.scale.std);
        // From zeros there is no true continuation to compare with.
        let truth = if self.settings.gen_from == GenFrom::Zeros { Vec::new() } else { self.truth.clone() };
        let known = truth.len().min(gen_pred.len());
        let gen_mse = (known > 0).then(|| mse(&gen_pred[..known], &truth[..known]));
        Ok(Some(Evaluation {
            step: self.step,
            heldout_x: self.info.xs[end..].to_vec(),
            heldout_truth,
            heldout_pred,
            heldout_mse,
            heldout_loss,
            gen_x: self.gen_x.clone(),
            gen_pred,
            gen_truth: truth,
            gen_mse,
        }))
    }
}

/// Where the training stretch of a series of `n` values ends: [`HELD_OUT_SHARE`] of it is held
/// out, at least one value, and at least two are trained on.
fn train_end_of(n: usize) -> usize {
    n - ((n as f32 * HELD_OUT_SHARE).round() as usize).clamp(1, n.saturating_sub(2).max(1))
}

/// What a typed sequence is best learnt as: the changes between values when its training part
/// rises (or falls) by steps of about the same size (a steady trend, which values cannot carry
/// past the range seen: `1, 2, 3, 4, 5, 6` goes on 7, 8, 9 only so), else the values (a pattern
/// such as the course's sine samples, whose changes would drift; or `2, 4, 8, 16`, whose steps
/// grow past any seen too, which the page then explains). The page applies it when a new
/// sequence is submitted.
pub fn suggested_predict(values: &[f32]) -> Predict {
    let seen = &values[..train_end_of(values.len()).max(1)];
    let steps: Vec<f32> = seen.windows(2).map(|p| p[1] - p[0]).collect();
    let (lo, hi) = steps.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &d| (lo.min(d.abs()), hi.max(d.abs())));
    let one_way = steps.iter().all(|&d| d > 0.0) || steps.iter().all(|&d| d < 0.0);
    if steps.len() >= 2 && one_way && hi <= 1.5 * lo {
        Predict::Change
    } else {
        Predict::Value
    }
}

/// The window a lesson trains on, for `seq_len` asked and `train` values (or changes) to train
/// on: `seq_len`, shortened so at least one window and its next value fit (`train - window`
/// windows).
fn window_for(seq_len: usize, train: usize) -> usize {
    seq_len.min(train.saturating_sub(1)).max(1)
}

/// Fewer training windows than this make a sequence short: the page says what it allows, and a
/// new one gets [`suggested_for`]'s recipe for a few samples.
pub const FEW_WINDOWS: usize = 20;

/// How a new typed sequence is learnt, from `base` (the settings it replaces): [`suggested_predict`],
/// and when it is short (fewer than [`FEW_WINDOWS`] windows at `base`'s T) the recipe for a few
/// samples: a linear SimpleRNN(8) reading windows of T = 2 to 6 values (about half the training
/// values, so there are more windows than coefficients), scored on the last step only, with
/// teacher forcing (one scored step leaves nothing to feed back). Its prediction is a fixed
/// linear rule of the last T values, `x_next = a₁·x_t + … + a_T·x_{t-T+1} + c` (an
/// autoregression): samples of a sine at any rate, a steady trend, a doubling, Fibonacci's and a
/// repeating pattern of up to T values each follow one exactly, so the rule found continues the
/// sequence past the values seen. A nonlinear network of 100 units memorises the few windows and
/// does not (measured: `bench/reference/README.md`, "Short typed sequences").
pub fn suggested_for(values: &[f32], base: Settings) -> Settings {
    let predict = suggested_predict(values);
    let train = train_end_of(values.len()) - usize::from(predict == Predict::Change);
    let window = window_for(base.seq_len, train);
    if train.saturating_sub(window) >= FEW_WINDOWS {
        return Settings { predict, ..base };
    }
    let seq_len = (train.saturating_sub(1) / 2).clamp(2, 6);
    Settings {
        predict,
        cell: Cell::Rnn,
        activation: ActivationChoice::Linear,
        units: 8,
        layers: 1,
        seq_len,
        warmup: seq_len - 1,
        training: Training::Teacher,
        dropout: 0.0,
        recurrent_dropout: 0.0,
        ..base
    }
}

/// How many of a window's first steps are left out of the loss: `setting`, at most all but the
/// last. The first steps of a window predict from little (from one value, the next value of a
/// sine can rise or fall): their errors are large and can never vanish, and with every step in
/// the loss they dominate its gradient, which pulls the weights away from what the later steps
/// (and generation, which always reads a whole window) need.
pub fn warm_up(setting: usize, window: usize) -> usize {
    setting.min(window.saturating_sub(1))
}

/// How many of a window's `window` last steps read the model's own predictions with
/// free-running training: `setting`, at most all but the first; 0 = a third of the window (10 of
/// T = 30), which the generation bench found best on the sine (`unroll bench --generation`: with
/// 5 steps fewer seeds hold, and with all but one step the model cannot tell where in the wave it
/// is and learns nothing).
pub fn free_steps(setting: usize, window: usize) -> usize {
    match setting {
        0 => (window / 3).max(1),
        k => k.min(window - 1),
    }
    .min(window.saturating_sub(1))
    .max(1)
}

/// The sine wave `settings` describe.
fn sine_of(settings: &Settings) -> Sine {
    Sine {
        amplitude: settings.amplitude,
        frequency: settings.frequency,
        noise: settings.noise,
        x_min: settings.x_min,
        x_max: settings.x_max,
        points: settings.points,
    }
}

/// Where generation starts (value index), its true continuation and its positions, for
/// `settings`' `gen-start` and `gen-steps`.
fn generation_plan(
    settings: &Settings,
    values: &[f32],
    sine: Option<&Sine>,
    train_end: usize,
    window: usize,
    lag: usize,
) -> Result<(usize, Vec<f32>, Vec<f32>), LessonError> {
    let (n, steps) = (values.len(), settings.gen_steps);
    // `gen-start` counts values from 1; the seed window is the `window` values (model inputs)
    // before it.
    let at = if settings.gen_start == 0 { train_end } else { settings.gen_start - 1 };
    if at < window + lag || at > n {
        let first = window + lag + 1;
        return Err(SettingError::new(
            "gen-start",
            fill(t().lessons.gen_start_range, &[("first", &first), ("window", &window), ("last", &n), ("got", &settings.gen_start)]),
        )
        .into());
    }
    Ok(match sine {
        Some(s) => (at, (0..steps).map(|i| s.clean(s.x(at + i))).collect(), (0..steps).map(|i| s.x(at + i)).collect()),
        None => (at, values[at..].iter().copied().take(steps).collect(), (0..steps).map(|i| (at + i) as f32).collect()),
    })
}

/// Whether `a` and `b` differ at most in how the model generates (`gen-from`, `gen-start`,
/// `gen-steps`): then the experiment keeps its weights and only generates anew.
pub fn only_generation_differs(a: &Settings, b: &Settings) -> bool {
    let strip = |s: &Settings| Settings { gen_from: GenFrom::Data, gen_start: 0, gen_steps: 0, ..s.clone() };
    strip(a) == strip(b)
}

/// Held-out windows predicted together in one forward pass of an evaluation.
pub const HELDOUT_CHUNK: usize = 64;

/// An evaluation under way (see [`SeriesLesson::begin_evaluation`]).
#[derive(Clone, Debug)]
pub struct EvalJob {
    /// `[held, window]` the context of every held-out value.
    windows: Vec<f32>,
    heldout_pred: Vec<f32>,
    /// The generation's sliding window (what the model reads, training units), the last value
    /// (training units) and what it generated (own units).
    window: Vec<f32>,
    last: f32,
    gen_pred: Vec<f32>,
}

fn mse(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().max(1) as f64;
    (a.iter().zip(b).map(|(x, y)| ((x - y) as f64).powi(2)).sum::<f64>() / n) as f32
}

/// The model's weights get their own seed derived from the run's seed, so that changing the data
/// (e.g. the noise level) does not change the initial weights.
fn rng_seed_for_weights(rng: &mut Rng8) -> u64 {
    use rand::Rng;
    rng.random()
}

/// `SimpleRNN(100, relu) → Dense(1)` style description.
pub fn describe(s: &Settings) -> String {
    let mut args = vec![s.units.to_string()];
    let cell = match s.cell_kind() {
        crate::engine::cells::CellKind::SimpleRnn { activation } => {
            args.push(activation.name().to_string());
            "SimpleRNN"
        }
        k => {
            if k.has_peepholes() {
                args.push("peephole".into());
            }
            k.keras_name()
        }
    };
    if s.dropout > 0.0 {
        args.push(format!("dropout={}", s.dropout));
    }
    if s.recurrent_dropout > 0.0 {
        args.push(format!("recurrent_dropout={}", s.recurrent_dropout));
    }
    let layer = format!("{cell}({})", args.join(", "));
    let stack = vec![layer; s.layers].join(" → ");
    let what = match s.predict {
        Predict::Value => "",
        Predict::Change => t().lessons.model_reads_changes,
    };
    fill(t().lessons.model_line, &[("stack", &stack), ("what", &what)])
}

/// With free-running training, the first step of a window of `w` that reads the model's own
/// prediction: [`free_steps`] before the end.
fn feedback_from(settings: &Settings, w: usize) -> Option<usize> {
    (settings.training == Training::Free && w >= 2).then(|| w - free_steps(settings.free_steps, w))
}
