//! "Why does it drift?" as the page shows it: the generations of the experiment and of its twin
//! (trained with another recipe, `lesson::twin`) side by side, each with the band between it and the
//! true continuation, and a sentence comparing them. Plain data, tested natively.

use crate::app::plot::format_number as fmt;
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
    let mut out = Vec::new();
    for s in sides {
        let gen = s.eval.gen_mse.map_or("no known continuation".to_string(), |m| format!("generation MSE {}", fmt(m as f64)));
        let past = match drifts_past(s.eval, 0.25) {
            Some(k) => format!("; it is off by more than 0.25 from step {k}"),
            None if s.eval.gen_mse.is_some() => "; it stays within 0.25 of the truth throughout".to_string(),
            None => String::new(),
        };
        out.push(format!("{} ({} steps): one-step MSE {}, {gen}{past}.", s.recipe.name(), s.steps, fmt(s.eval.heldout_mse as f64)));
    }
    if let (Some(a), Some(b)) = (sides[0].eval.gen_mse, sides[1].eval.gen_mse) {
        let verdict = match (b < a, sides[1].recipe) {
            (true, r) if r.warmup > 0 && r.training == crate::settings::Training::Teacher => {
                "Scored only where it has read enough, the model learnt a rule exact enough to generate on its own"
            }
            (true, r) if r.warmup > 0 => {
                "Scored after the warm-up and trained on its own predictions, the model generated closer to the truth"
            }
            (true, _) => "Training on its own predictions, the model learnt to correct the small errors it makes when it generates",
            (false, _) => "Here the course's recipe generated as well or better; try another seed",
        };
        out.push(format!("{verdict}."));
    }
    out.join(" ")
}
