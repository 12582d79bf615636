//! Training windows from a series: input `y[s .. s+T]`, target `y[s+1 .. s+T+1]` (the window
//! shifted one step ahead), as the course's sine model is trained.

use rand::Rng;

use crate::engine::train::init::Rng8;

/// Fills `inputs` and `targets` (`[batch, window, 1]` each) with random windows whose every value
/// lies in `series[..end]`. Needs `end >= window + 1`.
pub fn sample_batch(
    series: &[f32],
    end: usize,
    window: usize,
    batch: usize,
    rng: &mut Rng8,
    inputs: &mut Vec<f32>,
    targets: &mut Vec<f32>,
) {
    assert!(end <= series.len() && end > window, "training stretch of {end} values is too short for windows of {window}");
    inputs.resize(batch * window, 0.0);
    targets.resize(batch * window, 0.0);
    let starts = end - window; // s in 0..starts, s + window < end
    for b in 0..batch {
        let s = rng.random_range(0..starts);
        inputs[b * window..(b + 1) * window].copy_from_slice(&series[s..s + window]);
        targets[b * window..(b + 1) * window].copy_from_slice(&series[s + 1..s + window + 1]);
    }
}

/// The windows that predict each index in `targets`: window `j` is `series[j-T .. j]`.
/// Returns `[targets.len(), window, 1]`. Needs `targets.start >= window`.
pub fn context_windows(series: &[f32], targets: std::ops::Range<usize>, window: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(targets.len() * window);
    for j in targets {
        out.extend_from_slice(&series[j - window..j]);
    }
    out
}
