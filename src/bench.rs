//! The speed benchmarks: the same configurations run natively (`unroll bench`) and in the browser
//! (the worker's `Bench` command, driven by `cargo xtask bench browser`), printing one table.
//!
//! 1. `agnews-lstm`: Embedding(20000, 64) → LSTM(64) → Dense(4), batch 32, length 50, 10,000 samples.
//! 2. `course-bilstm`: Embedding(20000, 128, mask_zero) → Bidirectional(LSTM(64), return_sequences)
//!    → Bidirectional(LSTM(64)) → Dense(4), batch 32, real AG News lengths (title + description),
//!    each batch padded to its longest row.
//! 3. `sine-rnn`, `sine-lstm`: the sine lesson with SimpleRNN(100, relu) and LSTM(32), T = 30, batch 32.
//! 4. `large-lstm`: Embedding(20000, 64) → LSTM(256) → Dense(4), batch 256, length 100: the size
//!    where a GPU should leave the CPU far behind (not in the default set: run it with `--only`).
//!
//! `backend` picks the engine (`--backend gpu`: the WebGPU engine, whose dispatches and
//! submissions per step are printed too).
//!
//! Every configuration trains with Adam (Keras defaults) on fixed random token ids and labels; data
//! preparation is outside the timed loop. Samples per second count sequences, tokens per second
//! count real (unpadded) time steps.

use std::future::Future;

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::data::ag_news;
use crate::engine::backend::{self, BackendKind, Setup, Workers};
use crate::engine::cells::CellKind;
use crate::engine::gpu::{WorkCounts, MAX_IN_FLIGHT};
use crate::engine::model::footprint::{self, Work};
use crate::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use crate::engine::profile::{self, Phase};
use crate::engine::train::init::rng_from_seed;
use crate::engine::train::{Clipping, OptimizerSpec, Schedule};
use crate::engine::{EngineError, Input, InputData, Model, Targets};
use crate::lesson::news::{NewsData, NewsLesson};
use crate::lesson::SeriesLesson;
use crate::settings::{Cell, EngineChoice, Settings, Task};

/// The benchmark configurations, by name.
pub const NAMES: &[&str] = &["agnews-lstm", "course-bilstm", "sine-rnn", "sine-lstm"];

/// Configurations run only when named (`--only`): too slow for the default set on a CPU.
pub const LARGE_NAMES: &[&str] = &["large-lstm"];

/// One training epoch of each news preset on AG News's training file (`config.csv`; `samples`
/// caps the rows), as the page trains it (vectorizer, bucketing, masking; no validation). The
/// `-nomask` one is `lstm` without masking, to show what masking costs.
pub const NEWS_NAMES: &[&str] =
    &["news-rnn-title", "news-rnn", "news-lstm", "news-lstm-nomask", "news-gru", "news-bilstm", "news-gru-tuned"];

/// What to run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchConfig {
    pub name: String,
    /// Samples to train on (AG News configurations); steps for the sine ones.
    pub samples: usize,
    /// Real AG News lengths for `course-bilstm` (the first `samples` are used, cycling if short).
    #[serde(default)]
    pub lengths: Vec<usize>,
    /// Or the AG News training CSV itself, to take the lengths from (the browser bench sends it).
    #[serde(default)]
    pub csv: Option<String>,
    /// Also measure the time per phase of a step (see `engine::profile`; adds a little overhead).
    #[serde(default)]
    pub profile: bool,
    /// Threads per step. Natively: threads for the AG News configurations (whose batches are then
    /// split in that many parts) and the sine ones (always 2 parts). In the browser, above 1: the
    /// sine configurations compute one part on the helper worker where there is one.
    #[serde(default = "one")]
    pub threads: usize,
    /// The engine.
    #[serde(default)]
    pub backend: BackendKind,
}

fn one() -> usize {
    1
}

impl BenchConfig {
    /// `samples` of configuration `name`, on the CPU engine, one thread, no lengths or file given.
    pub fn new(name: &str, samples: usize) -> BenchConfig {
        BenchConfig { name: name.into(), samples, lengths: vec![], csv: None, profile: false, threads: 1, backend: BackendKind::Cpu }
    }
}

/// What was measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchRow {
    pub name: String,
    pub model: String,
    pub steps: usize,
    pub samples: usize,
    pub tokens: usize,
    pub seconds: f64,
    pub samples_per_sec: f64,
    pub tokens_per_sec: f64,
    pub ms_per_step: f64,
    /// Peak memory in bytes, when the runner could measure it.
    pub peak_bytes: Option<u64>,
    /// The engine's estimate of the run's memory (`engine::model::footprint`) but for the
    /// evaluation workspace (a benchmark only trains), to hold against the peak.
    #[serde(default)]
    pub estimate_bytes: Option<u64>,
    /// Seconds per phase of the timed steps, with `profile`.
    #[serde(default)]
    pub profile: Vec<(Phase, f64)>,
    /// The WebGPU engine's dispatches and submissions per timed step.
    #[serde(default)]
    pub dispatches_per_step: Option<f64>,
    #[serde(default)]
    pub submissions_per_step: Option<f64>,
}

const VOCAB: usize = 20_000;
const BATCH: usize = 32;

fn lstm(units: usize, bi: bool) -> RecurrentSpec {
    RecurrentSpec::new(CellKind::Lstm { peephole: false }, units, bi.then_some(Merge::Concat))
}

/// The model of a configuration.
pub fn spec_of(name: &str) -> Option<ModelSpec> {
    let cls = |dim, mask_zero, layers| ModelSpec {
        input: InputSpec::Tokens { vocab: VOCAB, dim, mask_zero },
        layers,
        return_sequences: false,
        dense_units: 4,
        loss: LossKind::SparseCategoricalCrossentropy,
    };
    match name {
        "agnews-lstm" => Some(cls(64, false, vec![lstm(64, false)])),
        "course-bilstm" => Some(cls(128, true, vec![lstm(64, true), lstm(64, true)])),
        "large-lstm" => Some(cls(64, false, vec![lstm(256, false)])),
        _ => None,
    }
}

/// Runs one configuration; `now` is a clock in seconds.
pub fn run(config: &BenchConfig, now: fn() -> f64) -> Result<BenchRow, EngineError> {
    run_with(config, now, None)
}

/// As [`run`], the sine configurations computing the parts of each batch with `workers` (the
/// browser's helper worker) instead of `config.threads` threads.
pub fn run_with(config: &BenchConfig, now: fn() -> f64, workers: Option<Workers>) -> Result<BenchRow, EngineError> {
    let mut row = match config.name.as_str() {
        "sine-rnn" | "sine-lstm" => run_sine(config, now, workers),
        name if NEWS_NAMES.contains(&name) => run_news(config, now),
        name => {
            let spec = spec_of(name)
                .ok_or_else(|| EngineError::InvalidInput(format!("unknown benchmark `{name}` (known: {})", NAMES.join(", "))))?;
            run_tokens(config, spec, now)
        }
    }?;
    row.profile = profile::take();
    Ok(row)
}

/// Starts the timed loop: profiling (when asked) and the clock.
fn start(config: &BenchConfig, now: fn() -> f64) -> f64 {
    if config.profile {
        profile::enable(now);
    }
    now()
}

/// One prepared batch: ids `[batch, time]` (0 = padding) and labels.
struct Batch {
    batch: usize,
    time: usize,
    ids: Vec<u32>,
    labels: Vec<u32>,
    tokens: usize,
}

/// Sequences per batch and steps per sequence of a token configuration.
fn shape_of(name: &str) -> (usize, usize) {
    if name == "large-lstm" {
        (256, 100)
    } else {
        (BATCH, 50)
    }
}

fn batches(config: &BenchConfig) -> Result<Vec<Batch>, EngineError> {
    let mut rng = rng_from_seed(7);
    let (batch, length) = shape_of(&config.name);
    let n = config.samples.max(batch);
    let lengths: Vec<usize> = if config.name == "course-bilstm" {
        let from_csv;
        let real = match (&config.lengths[..], &config.csv) {
            ([], Some(csv)) => {
                from_csv = ag_news::lengths(&ag_news::read(csv.as_bytes()).0);
                &from_csv[..]
            }
            (l, _) => l,
        };
        if real.is_empty() {
            return Err(EngineError::InvalidInput("course-bilstm needs the AG News lengths (--data DIR)".into()));
        }
        (0..n).map(|i| real[i % real.len()].max(1)).collect()
    } else {
        vec![length; n]
    };
    Ok(lengths
        .chunks(batch)
        .filter(|c| c.len() == batch)
        .map(|c| {
            let time = *c.iter().max().expect("non-empty");
            let mut ids = vec![0u32; batch * time];
            for (b, &len) in c.iter().enumerate() {
                for t in 0..len {
                    ids[b * time + t] = rng.random_range(1..VOCAB as u32);
                }
            }
            Batch { batch, time, ids, labels: (0..batch).map(|_| rng.random_range(0..4)).collect(), tokens: c.iter().sum() }
        })
        .collect())
}

fn input(b: &Batch) -> Input<'_> {
    Input { batch: b.batch, time: b.time, data: InputData::Tokens(&b.ids), mask: None, feedback: None, loss_from: 0 }
}

fn describe(spec: &ModelSpec) -> String {
    spec.summary(None).rows.iter().map(|r| r.kind.clone()).collect::<Vec<_>>().join("→")
}

/// A token configuration ready to train: its batches and engine, and what its row says.
struct Tokens {
    batches: Vec<Batch>,
    backend: Box<dyn crate::engine::backend::Backend>,
    model_text: String,
    estimate: u64,
    batch: usize,
}

impl Tokens {
    fn new(config: &BenchConfig, spec: ModelSpec) -> Result<Tokens, EngineError> {
        let batches = batches(config)?;
        let model_text = describe(&spec);
        let longest = batches.iter().map(|b| b.time).max().unwrap_or(1);
        let batch = shape_of(&config.name).0;
        let work = Work { batch, time: longest, parts: config.threads.max(1), eval_batch: 0, eval_time: 0 };
        let estimate = training_bytes(&footprint::estimate(&spec, &OptimizerSpec::adam(1e-3), work));
        let setup = Setup {
            model: Model::new(spec, 1)?,
            optimizer: OptimizerSpec::adam(1e-3),
            clipping: Clipping::None,
            schedule: Schedule::Constant,
            seed: 1,
        };
        let mut backend = backend::create(config.backend, setup)?;
        backend.set_parts(config.threads.max(1));
        backend.set_workers(Workers::threads(config.threads));
        Ok(Tokens { batches, backend, model_text, estimate, batch })
    }

    fn step(&mut self, k: usize) -> Result<Option<crate::engine::train::StepStats>, EngineError> {
        let b = &self.batches[k % self.batches.len()];
        self.backend.submit_batch(&input(b), &Targets::Classes(&b.labels))
    }

    /// The row for `seconds` spent on every batch once.
    fn row(&self, config: &BenchConfig, seconds: f64) -> BenchRow {
        let b = &self.batches;
        let (steps, samples, tokens) = (b.len(), b.len() * self.batch, b.iter().map(|b| b.tokens).sum::<usize>());
        BenchRow { estimate_bytes: Some(self.estimate), ..row(config, self.model_text.clone(), steps, samples, tokens, seconds) }
    }
}

fn run_tokens(config: &BenchConfig, spec: ModelSpec, now: fn() -> f64) -> Result<BenchRow, EngineError> {
    let mut t = Tokens::new(config, spec)?;
    // One untimed step sizes every buffer.
    let first = &t.batches[0];
    t.backend.train_batch(&input(first), &Targets::Classes(&first.labels))?;
    let counts = t.backend.work_counts();
    let t0 = start(config, now);
    for b in &t.batches {
        t.backend.train_batch(&input(b), &Targets::Classes(&b.labels))?;
    }
    let seconds = now() - t0;
    Ok(with_counts(t.row(config, seconds), counts, t.backend.work_counts()))
}

/// The dispatches and submissions per step between two readings of the counters.
fn with_counts(row: BenchRow, before: Option<WorkCounts>, after: Option<WorkCounts>) -> BenchRow {
    let (Some(a), Some(b)) = (before, after) else { return row };
    let steps = row.steps.max(1) as f64;
    BenchRow {
        dispatches_per_step: Some((b.dispatches - a.dispatches) as f64 / steps),
        submissions_per_step: Some((b.submissions - a.submissions) as f64 / steps),
        ..row
    }
}

/// The sine lesson of a sine configuration.
fn sine_lesson(config: &BenchConfig, workers: Option<Workers>) -> Result<SeriesLesson, EngineError> {
    let engine = match config.backend {
        BackendKind::Cpu => EngineChoice::Cpu,
        BackendKind::Gpu => EngineChoice::Webgpu,
    };
    let settings = match config.name.as_str() {
        "sine-rnn" => Settings { cell: Cell::Rnn, units: 100, engine, ..Settings::default() },
        _ => Settings { cell: Cell::Lstm, units: 32, engine, ..Settings::default() },
    };
    let mut lesson = SeriesLesson::new(&settings).map_err(|e| EngineError::InvalidInput(e.to_string()))?;
    lesson.set_workers(workers.unwrap_or_else(|| Workers::threads(config.threads)));
    Ok(lesson)
}

/// The row of a sine configuration that took `seconds` for `steps` steps.
fn sine_row(config: &BenchConfig, lesson: &SeriesLesson, steps: usize, seconds: f64) -> BenchRow {
    let s = &lesson.settings;
    let estimate = Some(training_bytes(&lesson.info().estimate.footprint));
    BenchRow {
        estimate_bytes: estimate,
        ..row(config, lesson.info().model.clone(), steps, steps * s.batch, steps * s.batch * s.seq_len, seconds)
    }
}

fn run_sine(config: &BenchConfig, now: fn() -> f64, workers: Option<Workers>) -> Result<BenchRow, EngineError> {
    let mut lesson = sine_lesson(config, workers)?;
    let steps = config.samples.max(1);
    lesson.train_step().map_err(|e| EngineError::InvalidInput(e.to_string()))?;
    let counts = lesson.work_counts();
    let t0 = start(config, now);
    for _ in 0..steps {
        lesson.train_step().map_err(|e| EngineError::InvalidInput(e.to_string()))?;
    }
    let seconds = now() - t0;
    Ok(with_counts(sine_row(config, &lesson, steps, seconds), counts, lesson.work_counts()))
}

/// Training steps on an engine that may give their results later.
trait Deferred {
    /// Submits the next step: `true` when its results came at once.
    fn submit(&mut self) -> Result<bool, EngineError>;
    /// How many results came since the last call.
    fn arrived(&mut self) -> Result<usize, EngineError>;
    fn in_flight(&self) -> usize;
}

struct TokenSteps<'a>(&'a mut Tokens, usize);

impl Deferred for TokenSteps<'_> {
    fn submit(&mut self) -> Result<bool, EngineError> {
        self.1 += 1;
        Ok(self.0.step(self.1 - 1)?.is_some())
    }
    fn arrived(&mut self) -> Result<usize, EngineError> {
        Ok(self.0.backend.arrived()?.len())
    }
    fn in_flight(&self) -> usize {
        self.0.backend.in_flight()
    }
}

impl Deferred for SeriesLesson {
    fn submit(&mut self) -> Result<bool, EngineError> {
        self.submit_step().map(|o| o.is_some()).map_err(|e| EngineError::InvalidInput(e.to_string()))
    }
    fn arrived(&mut self) -> Result<usize, EngineError> {
        self.arrived_steps().map(|a| a.len()).map_err(|e| EngineError::InvalidInput(e.to_string()))
    }
    fn in_flight(&self) -> usize {
        SeriesLesson::in_flight(self)
    }
}

/// `n` steps of `d`, at most [`MAX_IN_FLIGHT`] in flight, until the last one's results came;
/// `pause` lets the event loop turn while they are on their way.
async fn drive<F: Future<Output = ()>>(d: &mut dyn Deferred, n: usize, pause: &impl Fn() -> F) -> Result<(), EngineError> {
    let (mut submitted, mut came) = (0, 0);
    while came < n {
        while submitted < n && d.in_flight() < MAX_IN_FLIGHT {
            submitted += 1;
            came += usize::from(d.submit()?);
        }
        came += d.arrived()?;
        if came < n {
            pause().await;
        }
    }
    Ok(())
}

/// As [`run`], on an engine that never waits (the WebGPU engine in the browser): steps are
/// submitted, at most [`MAX_IN_FLIGHT`] at once, and the clock stops when the results of the last
/// one came back; `pause` lets the event loop turn meanwhile (the results come in it). The token
/// and sine configurations (the news ones train a lesson epoch: [`run`]).
pub async fn run_deferred<F: Future<Output = ()>>(
    config: &BenchConfig,
    now: fn() -> f64,
    pause: impl Fn() -> F,
) -> Result<BenchRow, EngineError> {
    match config.name.as_str() {
        "sine-rnn" | "sine-lstm" => {
            let mut lesson = sine_lesson(config, None)?;
            let steps = config.samples.max(1);
            drive(&mut lesson, 1, &pause).await?;
            let counts = lesson.work_counts();
            let t0 = now();
            drive(&mut lesson, steps, &pause).await?;
            let seconds = now() - t0;
            Ok(with_counts(sine_row(config, &lesson, steps, seconds), counts, lesson.work_counts()))
        }
        name => {
            let spec = spec_of(name).ok_or_else(|| {
                EngineError::InvalidInput(format!(
                    "`{name}` does not run on the WebGPU engine in the browser (these do: {}, sine-rnn, sine-lstm, {})",
                    NAMES[..2].join(", "),
                    LARGE_NAMES.join(", ")
                ))
            })?;
            let mut t = Tokens::new(config, spec)?;
            let n = t.batches.len();
            drive(&mut TokenSteps(&mut t, 0), 1, &pause).await?;
            let counts = t.backend.work_counts();
            let t0 = now();
            // Every batch once, from the first (the untimed step was the first batch too).
            drive(&mut TokenSteps(&mut t, 0), n, &pause).await?;
            let seconds = now() - t0;
            Ok(with_counts(t.row(config, seconds), counts, t.backend.work_counts()))
        }
    }
}

fn run_news(config: &BenchConfig, now: fn() -> f64) -> Result<BenchRow, EngineError> {
    let err = |e: String| EngineError::InvalidInput(format!("{}: {e}", config.name));
    let csv = config.csv.as_deref().ok_or_else(|| err("needs the AG News training file (--data DIR)".into()))?;
    let name = config.name.trim_start_matches("news-");
    let (preset, mask) = match name.strip_suffix("-nomask") {
        Some(p) => (p, false),
        None => (name, true),
    };
    let mut settings = Settings { task: Task::Agnews, ..Settings::default() };
    settings.apply_pairs([("preset", preset)]);
    if config.backend == BackendKind::Gpu {
        settings.engine = EngineChoice::Webgpu;
    }
    settings.mask = settings.mask && mask;
    settings.epochs = 1;
    settings.val_share = 0.0;
    let (mut data, _, _) = NewsData::ag_news(csv.as_bytes(), b"");
    if config.samples > 0 {
        data.train.truncate(config.samples);
    }
    let mut lesson = NewsLesson::new(&settings, &data).map_err(|e| err(e.to_string()))?;
    lesson.set_threads(config.threads.max(1));
    let model_text = lesson.info().model.clone();
    let t0 = start(config, now);
    let mut steps = 0;
    let last = loop {
        let p = lesson.train_batch().map_err(|e| err(e.to_string()))?;
        steps += 1;
        if p.done {
            break p;
        }
    };
    let seconds = now() - t0;
    let estimate = Some(training_bytes(&lesson.info().estimate.footprint));
    Ok(BenchRow { estimate_bytes: estimate, ..row(config, model_text, steps, last.samples, last.tokens, seconds) })
}

/// The estimated memory of training alone (a benchmark never evaluates).
fn training_bytes(f: &footprint::Footprint) -> u64 {
    f.bytes() - f.workspace
}

fn row(config: &BenchConfig, model: String, steps: usize, samples: usize, tokens: usize, seconds: f64) -> BenchRow {
    let s = seconds.max(1e-9);
    BenchRow {
        name: config.name.clone(),
        model,
        steps,
        samples,
        tokens,
        seconds,
        samples_per_sec: samples as f64 / s,
        tokens_per_sec: tokens as f64 / s,
        ms_per_step: 1e3 * seconds / steps.max(1) as f64,
        peak_bytes: None,
        estimate_bytes: None,
        profile: Vec::new(),
        dispatches_per_step: None,
        submissions_per_step: None,
    }
}

/// The table both runners print.
pub fn table(rows: &[BenchRow], backend: &str) -> String {
    let mut s = format!("backend: {backend}\n");
    s += &format!(
        "{:<16} {:>8} {:>9} {:>12} {:>12} {:>10} {:>10} {:>10} {:>10}  model\n",
        "config", "steps", "samples", "samples/s", "tokens/s", "ms/step", "peak MB", "est. MB", "disp/subm"
    );
    let counts = |r: &BenchRow| match (r.dispatches_per_step, r.submissions_per_step) {
        (Some(d), Some(s)) => format!("{d:.0}/{s:.0}"),
        _ => "-".to_string(),
    };
    let mb = |b: Option<u64>| b.map_or("-".to_string(), |b| format!("{:.1}", b as f64 / (1024.0 * 1024.0)));
    for r in rows {
        s += &format!(
            "{:<16} {:>8} {:>9} {:>12.0} {:>12.0} {:>10.3} {:>10} {:>10} {:>10}  {}\n",
            r.name,
            r.steps,
            r.samples,
            r.samples_per_sec,
            r.tokens_per_sec,
            r.ms_per_step,
            mb(r.peak_bytes),
            mb(r.estimate_bytes),
            counts(r),
            r.model
        );
    }
    s
}

/// The time per phase of each configuration that was profiled, as a table of percentages.
pub fn profile_table(rows: &[BenchRow]) -> String {
    let mut s = format!("{:<14}", "phase (% time)");
    let profiled: Vec<&BenchRow> = rows.iter().filter(|r| !r.profile.is_empty()).collect();
    for r in &profiled {
        s += &format!(" {:>14}", r.name);
    }
    s.push('\n');
    for phase in profile::PHASES {
        s += &format!("{:<14}", format!("{phase:?}"));
        for r in &profiled {
            let total: f64 = r.profile.iter().map(|p| p.1).sum();
            let v = r.profile.iter().find(|p| p.0 == phase).map_or(0.0, |p| p.1);
            s += &format!(" {:>13.1}%", 100.0 * v / total.max(1e-12));
        }
        s.push('\n');
    }
    s
}
