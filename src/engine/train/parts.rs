//! Data-parallel gradients: the batch is split into [`Trainer::parts`] contiguous parts, each
//! part's loss and gradient computed with its own workspace, and the parts combined in a fixed
//! order weighted by their share of the batch (the loss is a mean, so this is exact up to
//! rounding). Each part draws its dropout masks from a seed taken from the trainer's generator.
//!
//! Where the parts are computed does not change a bit of the result: the trainer's
//! [`PartRunner`] computes them one after the other, on native threads, or in the browser with one
//! part on a helper Web Worker (a [`RemotePart`], see `src/worker/helper.rs`), which runs the same
//! code on the same numbers.

use rand::Rng;

use super::init::rng_from_seed;
use super::Trainer;
use crate::engine::model::{Dropout, Input, InputData, InputSpec, Model, Targets, Workspace};
use crate::engine::EngineError;

/// Something that computes one part of a batch elsewhere (in the browser: a helper worker) while
/// the trainer computes another. Used only for models without an embedding (their gradient is
/// dense, so the part's gradient and outputs are all that comes back).
pub trait RemotePart: std::fmt::Debug {
    /// Starts computing `model.loss_and_grads` on `input`/`targets` with dropout masks drawn from
    /// `seed`. `false` when it cannot (not ready, too big, failed before): the caller computes
    /// the part itself.
    fn start(&self, model: &Model, input: &Input, targets: &Targets, seed: u64) -> bool;
    /// Waits for the part started last; writes its gradient into `grads` and its outputs into
    /// `outputs`, and returns its loss. `None` when it failed or gave up: the caller computes the
    /// part itself (and meets the same error, if the part itself is at fault).
    fn finish(&self, grads: &mut [f32], outputs: &mut Vec<f32>) -> Option<f32>;
}

/// Rows `rows` of a batch-major input.
pub(crate) fn part<'a>(input: &Input<'a>, rows: std::ops::Range<usize>) -> Input<'a> {
    let (b, t) = (input.batch, input.time);
    let data = match input.data {
        InputData::Values(v) => {
            let per = v.len() / b;
            InputData::Values(&v[rows.start * per..rows.end * per])
        }
        InputData::Tokens(ids) => InputData::Tokens(&ids[rows.start * t..rows.end * t]),
    };
    Input {
        batch: rows.len(),
        time: t,
        data,
        mask: input.mask.map(|m| &m[rows.start * t..rows.end * t]),
        feedback: input.feedback,
        loss_from: input.loss_from,
    }
}

/// The targets of rows `rows` of a batch of `batch` rows.
pub(crate) fn part_targets<'a>(targets: &Targets<'a>, rows: std::ops::Range<usize>, batch: usize) -> Targets<'a> {
    match *targets {
        Targets::Values(v) => {
            let per = v.len() / batch;
            Targets::Values(&v[rows.start * per..rows.end * per])
        }
        Targets::Classes(c) => Targets::Classes(&c[rows]),
    }
}

/// One part: rows `rows` of the batch, dropout masks from `seed`.
pub struct Part<'a> {
    pub input: Input<'a>,
    pub targets: Targets<'a>,
    pub seed: u64,
}

impl Part<'_> {
    /// This part's loss; its gradient into `grads`, its buffers (outputs included) into `ws`.
    pub fn run(&self, model: &Model, grads: &mut [f32], ws: &mut Workspace) -> Result<f32, EngineError> {
        model.loss_and_grads(&self.input, &self.targets, grads, ws, &mut Dropout::Sample(&mut rng_from_seed(self.seed)))
    }
}

/// Where the parts of a batch are computed: one after the other ([`Sequential`]), on native
/// threads ([`Threads`]), or one of them on a helper ([`OnRemote`]). A runner never changes a
/// bit of the result; it is chosen by whoever knows the platform (the command line, the Web
/// Worker), never by the code that trains.
pub trait PartRunner: std::fmt::Debug {
    /// Every part's loss: part 0's gradient and buffers go to `first`, part `i`'s to
    /// `replicas[i - 1]`.
    fn compute(
        &self,
        model: &Model,
        parts: &[Part],
        first: (&mut [f32], &mut Workspace),
        replicas: &mut [Replica],
    ) -> Vec<Result<f32, EngineError>>;
}

/// A part's own workspace and gradient buffer (the parts after the first).
pub type Replica = (Workspace, Vec<f32>);

/// Every part here, one after the other.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sequential;

impl PartRunner for Sequential {
    fn compute(
        &self,
        model: &Model,
        parts: &[Part],
        (grads, ws): (&mut [f32], &mut Workspace),
        replicas: &mut [Replica],
    ) -> Vec<Result<f32, EngineError>> {
        let first = parts[0].run(model, grads, ws);
        let rest = replicas.iter_mut().zip(&parts[1..]).map(|((rws, rgrads), p)| p.run(model, rgrads, rws));
        std::iter::once(first).chain(rest).collect()
    }
}

/// Every part after the first on its own thread. Where threads cannot start (wasm32 without
/// threads), the parts run one after the other, as [`Sequential`].
#[derive(Clone, Copy, Debug, Default)]
pub struct Threads;

impl PartRunner for Threads {
    fn compute(
        &self,
        model: &Model,
        parts: &[Part],
        first: (&mut [f32], &mut Workspace),
        replicas: &mut [Replica],
    ) -> Vec<Result<f32, EngineError>> {
        // Asked once: on Linux the answer reads the cgroup files, which no training step should.
        static CAN_SPAWN: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        if !*CAN_SPAWN.get_or_init(|| std::thread::available_parallelism().is_ok()) {
            return Sequential.compute(model, parts, first, replicas);
        }
        let (grads, ws) = first;
        std::thread::scope(|scope| {
            let handles: Vec<_> =
                replicas.iter_mut().zip(&parts[1..]).map(|((rws, rgrads), p)| scope.spawn(move || p.run(model, rgrads, rws))).collect();
            let first = parts[0].run(model, grads, ws);
            std::iter::once(first).chain(handles.into_iter().map(|h| h.join().expect("a gradient thread panicked"))).collect()
        })
    }
}

/// Part 1 on a [`RemotePart`] (in the browser: the helper worker) when the model's gradient is
/// dense (no embedding) and the remote takes it; every other part here, one after the other.
#[derive(Clone, Debug)]
pub struct OnRemote(pub std::rc::Rc<dyn RemotePart>);

impl PartRunner for OnRemote {
    fn compute(
        &self,
        model: &Model,
        parts: &[Part],
        (grads, ws): (&mut [f32], &mut Workspace),
        replicas: &mut [Replica],
    ) -> Vec<Result<f32, EngineError>> {
        let dense = !matches!(model.spec.input, InputSpec::Tokens { .. });
        let started = dense && self.0.start(model, &parts[1].input, &parts[1].targets, parts[1].seed);
        let mut results = vec![parts[0].run(model, grads, ws)];
        for (i, ((rws, rgrads), p)) in replicas.iter_mut().zip(&parts[1..]).enumerate() {
            let remote_loss = if i == 0 && started { self.0.finish(rgrads, &mut rws.outputs) } else { None };
            results.push(remote_loss.map_or_else(|| p.run(model, rgrads, rws), Ok));
        }
        results
    }
}

/// The loss and gradient of a batch computed in `n` parts (`2 <= n <= batch / 2`).
pub(super) fn loss_and_grads(tr: &mut Trainer, n: usize, input: &Input, targets: &Targets) -> Result<f32, EngineError> {
    let b = input.batch;
    let bounds: Vec<std::ops::Range<usize>> = (0..n).map(|i| i * b / n..(i + 1) * b / n).collect();
    let seeds: Vec<u64> = (0..n).map(|_| tr.rng.random()).collect();
    let parts: Vec<Part> = bounds
        .iter()
        .zip(&seeds)
        .map(|(rows, &seed)| Part { input: part(input, rows.clone()), targets: part_targets(targets, rows.clone(), b), seed })
        .collect();
    let params = tr.model.params.len();
    tr.replicas.resize_with(n - 1, || (Workspace::default(), vec![0.0; params]));
    let Trainer { model, grads, ws, replicas, runner, .. } = tr;
    let results = runner.compute(model, &parts, (grads, ws), replicas);
    let mut loss = 0.0;
    let weight = |rows: &std::ops::Range<usize>| rows.len() as f32 / b as f32;
    model.scale_grads(grads, ws, weight(&bounds[0]));
    for (i, r) in results.into_iter().enumerate() {
        loss += weight(&bounds[i]) * r?;
        if i > 0 {
            let (rws, rgrads) = &replicas[i - 1];
            model.add_scaled_grads(grads, ws, rgrads, rws, weight(&bounds[i]));
        }
    }
    // The whole batch's outputs (batch-major, so the parts follow one another), as one part
    // leaves them: callers read them for accuracy.
    for (rws, _) in replicas.iter() {
        ws.outputs.extend_from_slice(&rws.outputs);
    }
    Ok(loss)
}
