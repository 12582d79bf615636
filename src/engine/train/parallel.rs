//! Data-parallel gradients on native builds: the batch is split into contiguous parts, each part's
//! loss and gradient computed on its own thread with its own workspace, and the parts combined in
//! a fixed order weighted by their share of the batch (the loss is a mean, so this is exact up to
//! rounding). Each part draws its dropout masks from a seed taken from the trainer's generator.

use rand::Rng;

use super::init::rng_from_seed;
use super::Trainer;
use crate::engine::model::{Dropout, Input, InputData, Targets, Workspace};
use crate::engine::EngineError;

/// Rows `rows` of a batch-major input.
fn part<'a>(input: &Input<'a>, rows: std::ops::Range<usize>) -> Input<'a> {
    let (b, t) = (input.batch, input.time);
    let data = match input.data {
        InputData::Values(v) => {
            let per = v.len() / b;
            InputData::Values(&v[rows.start * per..rows.end * per])
        }
        InputData::Tokens(ids) => InputData::Tokens(&ids[rows.start * t..rows.end * t]),
    };
    Input { batch: rows.len(), time: t, data, mask: input.mask.map(|m| &m[rows.start * t..rows.end * t]) }
}

fn part_targets<'a>(targets: &Targets<'a>, rows: std::ops::Range<usize>, batch: usize) -> Targets<'a> {
    match *targets {
        Targets::Values(v) => {
            let per = v.len() / batch;
            Targets::Values(&v[rows.start * per..rows.end * per])
        }
        Targets::Classes(c) => Targets::Classes(&c[rows]),
    }
}

pub(super) fn loss_and_grads(tr: &mut Trainer, input: &Input, targets: &Targets) -> Result<f32, EngineError> {
    let n = tr.threads;
    let b = input.batch;
    let bounds: Vec<std::ops::Range<usize>> = (0..n).map(|i| i * b / n..(i + 1) * b / n).collect();
    let seeds: Vec<u64> = (0..n).map(|_| tr.rng.random()).collect();
    let params = tr.model.params.len();
    tr.replicas.resize_with(n - 1, || (Workspace::default(), vec![0.0; params]));
    let model = &tr.model;
    let (grads, ws, replicas) = (&mut tr.grads, &mut tr.ws, &mut tr.replicas);
    let results: Vec<Result<f32, EngineError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = replicas
            .iter_mut()
            .zip(&bounds[1..])
            .zip(&seeds[1..])
            .map(|(((rws, rgrads), rows), &seed)| {
                let (inp, tg) = (part(input, rows.clone()), part_targets(targets, rows.clone(), b));
                scope.spawn(move || model.loss_and_grads(&inp, &tg, rgrads, rws, &mut Dropout::Sample(&mut rng_from_seed(seed))))
            })
            .collect();
        let first = model.loss_and_grads(
            &part(input, bounds[0].clone()),
            &part_targets(targets, bounds[0].clone(), b),
            grads,
            ws,
            &mut Dropout::Sample(&mut rng_from_seed(seeds[0])),
        );
        std::iter::once(first).chain(handles.into_iter().map(|h| h.join().expect("a gradient thread panicked"))).collect()
    });
    let mut loss = 0.0;
    let weight = |rows: &std::ops::Range<usize>| rows.len() as f32 / b as f32;
    model.scale_grads(grads, ws, weight(&bounds[0]));
    for (i, r) in results.into_iter().enumerate() {
        loss += weight(&bounds[i]) * r?;
        if i > 0 {
            let (rws, rgrads) = &tr.replicas[i - 1];
            model.add_scaled_grads(grads, ws, rgrads, rws, weight(&bounds[i]));
        }
    }
    // The whole batch's outputs (batch-major, so the parts follow one another), as one thread
    // leaves them: callers read them for accuracy.
    let Trainer { ws, replicas, .. } = tr;
    for (rws, _) in replicas.iter() {
        ws.outputs.extend_from_slice(&rws.outputs);
    }
    Ok(loss)
}
