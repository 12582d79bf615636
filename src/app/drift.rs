//! "Why does it drift?" as the page shows it: the generations of the experiment and of its twin
//! (trained with another recipe, `lesson::twin`) side by side, each with the band between it and the
//! true continuation, and a sentence comparing them. Plain data, tested natively.

use crate::app::plot::format_number as fmt;
use crate::i18n::{fill, t};
use crate::lesson::twin::{drift, Recipe};
use crate::lesson::Evaluation;

/// One side of the pair: how the model was trained, after how many steps, and its evaluation.
#[derive(Clone, Debug, PartialEq)]
pub struct Side<'a> {
    pub recipe: Recipe,
    pub steps: u64,
    pub eval: &'a Evaluation,
}

/// The band between the generated values and the true continuation, as the outline of an area:
/// along the generated line, then back along the truth (only where the truth is known).
pub fn band(e: &Evaluation) -> Vec<(f32, f32)> {
    let n = e.gen_truth.len().min(e.gen_pred.len());
    let forward = (0..n).map(|i| (e.gen_x[i], e.gen_pred[i]));
    let back = (0..n).rev().map(|i| (e.gen_x[i], e.gen_truth[i]));
    forward.chain(back).collect()
}

/// The course's recipe first, the other second, whichever the experiment is.
pub fn ordered<'a>(a: Side<'a>, b: Side<'a>) -> [Side<'a>; 2] {
    if a.recipe == Recipe::COURSE {
        [a, b]
    } else {
        [b, a]
    }
}

/// Where the error first passes `limit` (1-based step), if it does.
pub fn drifts_past(e: &Evaluation, limit: f32) -> Option<usize> {
    drift(e).iter().position(|d| d.is_nan() || *d > limit).map(|i| i + 1)
}

/// What the pair shows, in a sentence per side and one comparing them.
pub fn summary(sides: &[Side; 2]) -> String {
    let c = t().charts;
    let mut out = Vec::new();
    for s in sides {
        let gen = s.eval.gen_mse.map_or(c.drift_no_continuation.to_string(), |m| fill(c.drift_gen_mse, &[("mse", &fmt(m as f64))]));
        let past = match drifts_past(s.eval, 0.25) {
            Some(k) => fill(c.drift_off_from, &[("step", &k)]),
            None if s.eval.gen_mse.is_some() => c.drift_within.to_string(),
            None => String::new(),
        };
        let mse = fmt(s.eval.heldout_mse as f64);
        out.push(fill(c.drift_side, &[("name", &s.recipe.name()), ("steps", &s.steps), ("mse", &mse), ("gen", &gen), ("past", &past)]));
    }
    if let (Some(a), Some(b)) = (sides[0].eval.gen_mse, sides[1].eval.gen_mse) {
        let verdict = match (b < a, sides[1].recipe) {
            (true, r) if r.warmup > 0 && r.training == crate::settings::Training::Teacher => c.drift_verdict_warmup,
            (true, r) if r.warmup > 0 => c.drift_verdict_warmup_free,
            (true, _) => c.drift_verdict_free,
            (false, _) => c.drift_verdict_course,
        };
        out.push(verdict.to_string());
    }
    out.join(" ")
}
