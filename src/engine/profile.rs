//! A coarse profiler: time per phase of a training step (embedding, input projection, recurrent
//! product, gate arithmetic, ...), for `unroll bench --profile` natively and in the browser. Off
//! unless [`enable`]d; the engine stays free of any clock, the runner passes one in.

use std::cell::RefCell;

/// The parts of a training step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Embedding lookup, and the scatter of its gradient.
    Embedding,
    /// `x·W` for all time steps, forward and backward (`dW`, `dx`).
    InputProjection,
    /// `h·U` per time step, forward and backward (`dh`, `dU`).
    RecurrentProduct,
    /// The gates' element-wise arithmetic (sigmoid, tanh, state updates), forward and backward.
    Gates,
    /// Dense head, loss, merges, masks and data movement.
    Head,
    /// Clipping and the optimiser's update.
    Optimizer,
}

pub const PHASES: [Phase; 6] =
    [Phase::Embedding, Phase::InputProjection, Phase::RecurrentProduct, Phase::Gates, Phase::Head, Phase::Optimizer];

struct Profiler {
    clock: fn() -> f64,
    /// Exclusive seconds per phase (time in a nested phase counts for the nested one only).
    totals: [f64; 6],
    /// Open phases: (phase, start, seconds spent in phases nested inside it).
    stack: Vec<(Phase, f64, f64)>,
}

thread_local! {
    static PROFILER: RefCell<Option<Profiler>> = const { RefCell::new(None) };
}

/// Starts collecting, with `clock` in seconds.
pub fn enable(clock: fn() -> f64) {
    PROFILER.with(|p| *p.borrow_mut() = Some(Profiler { clock, totals: [0.0; 6], stack: Vec::new() }));
}

/// Stops collecting and returns the seconds spent per phase.
pub fn take() -> Vec<(Phase, f64)> {
    PROFILER.with(|p| p.borrow_mut().take().map(|p| PHASES.iter().copied().zip(p.totals).collect()).unwrap_or_default())
}

/// Times `f` as `phase` when profiling is on; time spent in phases nested inside `f` is counted
/// for those phases, not this one.
#[inline]
pub fn time<R>(phase: Phase, f: impl FnOnce() -> R) -> R {
    let _span = Span::new(phase);
    f()
}

/// A phase that lasts until this value is dropped (see [`time`]).
pub struct Span(bool);

impl Span {
    #[inline]
    pub fn new(phase: Phase) -> Span {
        Span(PROFILER.with(|p| match p.borrow_mut().as_mut() {
            None => false,
            Some(p) => {
                let now = (p.clock)();
                p.stack.push((phase, now, 0.0));
                true
            }
        }))
    }
}

impl Drop for Span {
    #[inline]
    fn drop(&mut self) {
        if !self.0 {
            return;
        }
        PROFILER.with(|p| {
            if let Some(p) = p.borrow_mut().as_mut() {
                if let Some((ph, start, nested)) = p.stack.pop() {
                    let elapsed = (p.clock)() - start;
                    p.totals[ph as usize] += elapsed - nested;
                    if let Some(parent) = p.stack.last_mut() {
                        parent.2 += elapsed;
                    }
                }
            }
        });
    }
}
