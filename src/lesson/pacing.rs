//! Timing the engines against each other, and pacing an engine that never waits: plain logic
//! with the clock passed in, so it is tested natively (`tests/core/pacing.rs`); the worker drives
//! it (`worker/engine_choice.rs`, `worker/series.rs`).

use crate::engine::backend::BackendLabel;

/// How many training steps an engine that never waits (the WebGPU engine) may have in flight:
/// enough to keep the device busy, few enough that losses, Pause and evaluations come within
/// about [`Pacer::LATENCY_MS`]. Measured from the arrivals: one step at first (it also builds the
/// pipelines), then the steps the device finishes in that time.
#[derive(Debug, Default)]
pub struct Pacer {
    /// When the last results came, while steps were in flight since.
    last: Option<f64>,
    /// The last [`Pacer::WINDOW`] arrivals: milliseconds since the one before (while busy), steps.
    window: std::collections::VecDeque<(f64, usize)>,
}

impl Pacer {
    pub const LATENCY_MS: f64 = 150.0;
    /// Arrivals the speed is measured over. Results often come in bursts (several readbacks
    /// answered in consecutive turns of the event loop, milliseconds apart, after a long wait):
    /// the time per step is the window's total time over its total steps, so a burst cannot make
    /// the device look fast (an average of each arrival's own ratio once let 60 steps in flight
    /// on SwiftShader, and Pause took seconds to settle).
    pub const WINDOW: usize = 16;

    /// `arrived` steps came at `now`, with `in_flight` still out.
    pub fn arrived(&mut self, now: f64, arrived: usize, in_flight: usize) {
        if arrived > 0 {
            if let Some(t0) = self.last {
                if self.window.len() == Self::WINDOW {
                    self.window.pop_front();
                }
                self.window.push_back((now - t0, arrived));
            }
            self.last = (in_flight > 0).then_some(now);
        }
    }

    /// Steps were submitted at `now` to an idle device: the time to the next results counts
    /// from here.
    pub fn submitted(&mut self, now: f64) {
        self.last.get_or_insert(now);
    }

    /// Training stopped: the next run measures from its own first step.
    pub fn stopped(&mut self) {
        self.last = None;
    }

    /// The device's time per step over the window (none measured yet: `None`).
    fn ms_per_step(&self) -> Option<f64> {
        let (ms, steps) = self.window.iter().fold((0.0, 0), |(m, s), &(dm, ds)| (m + dm, s + ds));
        (steps > 0).then(|| ms / steps as f64)
    }

    /// Steps allowed in flight now.
    pub fn limit(&self, most: usize) -> usize {
        match self.ms_per_step() {
            None => 1,
            Some(ms) => ((Self::LATENCY_MS / ms.max(0.01)).ceil() as usize).clamp(1, most),
        }
    }
}

/// Steps of the WebGPU trial timed together, once a single step showed it is in the race.
pub const TRIAL_STEPS: usize = 8;
/// A single step slower than this many CPU steps ends the trial: the CPU wins.
pub const HOPELESS: f64 = 20.0;
/// The trial gives up (the CPU stays) after this long.
pub const TRIAL_MS: f64 = 15_000.0;

/// Measured milliseconds per training step of one experiment on each engine.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub cpu_ms: f64,
    pub gpu_ms: f64,
}

impl Timing {
    /// The faster engine's label and the sentence the page shows beside it.
    pub fn verdict(self) -> (BackendLabel, String) {
        let (cpu, gpu) = (self.cpu_ms, self.gpu_ms);
        let e = crate::i18n::t().engine;
        let (label, template, ratio) =
            if gpu < cpu { (BackendLabel::Gpu, e.verdict_gpu, cpu / gpu) } else { (BackendLabel::cpu(), e.verdict_cpu, gpu / cpu) };
        (label, crate::i18n::fill(template, &[("times", &times(ratio)), ("cpu", &short(cpu)), ("gpu", &short(gpu))]))
    }
}

/// A speed ratio as the page says it: "3.1×", "255×".
fn times(r: f64) -> String {
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

fn short(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 1.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// Times a few real training steps of the experiment on the WebGPU engine (a throwaway copy,
/// built from the same settings) against the CPU engine's own first steps of the run, a turn of
/// the worker's loop at a time: one WebGPU step that also builds the pipelines, one step alone
/// (far slower than the CPU: done), then [`TRIAL_STEPS`] together. The CPU's figure is its
/// fastest step among the first [`CPU_STEPS`] or more.
pub struct Trial<L> {
    lesson: L,
    /// The CPU's fastest step so far, and how many were timed.
    cpu: (f64, usize),
    started: f64,
    phase: Phase,
}

/// CPU steps timed before the CPU's figure counts.
pub const CPU_STEPS: usize = 3;

enum Phase {
    /// The first step (pipelines are built) is on its way.
    Warming,
    /// One step, submitted at this time.
    One(f64),
    /// It took this long; the CPU's figure is awaited.
    OneTook(f64),
    /// [`TRIAL_STEPS`] steps submitted at this time; this many arrived.
    Many(f64, usize),
    /// The WebGPU figure; the CPU's is awaited.
    Timed(f64),
}

/// What a lesson must offer to be timed.
pub trait Trainable {
    fn submit(&mut self) -> Result<(), String>;
    /// Steps whose results came since the last call.
    fn arrived(&mut self) -> Result<usize, String>;
}

impl<L: Trainable> Trial<L> {
    /// Starts timing `lesson` (on the WebGPU engine).
    pub fn start(mut lesson: L, now: f64) -> Result<Trial<L>, String> {
        lesson.submit()?;
        Ok(Trial { lesson, cpu: (f64::INFINITY, 0), started: now, phase: Phase::Warming })
    }

    /// A training step of the run took `ms` on the CPU engine.
    pub fn cpu_step(&mut self, ms: f64) {
        self.cpu = (self.cpu.0.min(ms), self.cpu.1 + 1);
    }

    fn cpu_ms(&self) -> Option<f64> {
        (self.cpu.1 >= CPU_STEPS).then_some(self.cpu.0)
    }

    /// The lesson the trial trained (its engine can take over the experiment).
    pub fn into_lesson(self) -> L {
        self.lesson
    }

    /// Takes the trial a turn further: the timing once it is known, or why the CPU stays.
    pub fn advance(&mut self, now: f64) -> Option<Result<Timing, String>> {
        if now - self.started > TRIAL_MS {
            return Some(Err(crate::i18n::fill(crate::i18n::t().worker.trial_timeout, &[("seconds", &(TRIAL_MS / 1000.0))])));
        }
        let arrived = match self.lesson.arrived() {
            Ok(n) => n,
            Err(e) => return Some(Err(e)),
        };
        match self.phase {
            Phase::Warming if arrived > 0 => {
                if let Err(e) = self.lesson.submit() {
                    return Some(Err(e));
                }
                self.phase = Phase::One(now);
            }
            Phase::One(t0) if arrived > 0 => self.phase = Phase::OneTook(now - t0),
            Phase::Many(t0, done) => {
                let done = done + arrived;
                self.phase = if done >= TRIAL_STEPS { Phase::Timed((now - t0) / TRIAL_STEPS as f64) } else { Phase::Many(t0, done) };
            }
            _ => {}
        }
        let cpu_ms = self.cpu_ms()?;
        match self.phase {
            Phase::OneTook(one) if one > HOPELESS * cpu_ms => Some(Ok(Timing { cpu_ms, gpu_ms: one })),
            Phase::OneTook(_) => {
                for _ in 0..TRIAL_STEPS {
                    if let Err(e) = self.lesson.submit() {
                        return Some(Err(e));
                    }
                }
                self.phase = Phase::Many(now, 0);
                None
            }
            Phase::Timed(gpu_ms) => Some(Ok(Timing { cpu_ms, gpu_ms })),
            _ => None,
        }
    }
}
