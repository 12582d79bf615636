//! "Why does it drift?" as the page draws it (`app::drift`): the band between generation and
//! truth, the course's recipe always on the left, and the sentence comparing both.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::app::drift::{band, drifts_past, ordered, summary, Side};
use unroll::lesson::twin::Recipe;
use unroll::lesson::Evaluation;
use unroll::settings::{Settings, Training};

fn eval(pred: &[f32], truth: &[f32], heldout_mse: f32) -> Evaluation {
    let n = pred.len();
    let mse = truth.iter().zip(pred).map(|(t, p)| (t - p) * (t - p)).sum::<f32>() / truth.len().max(1) as f32;
    Evaluation {
        step: 10,
        heldout_x: vec![],
        heldout_truth: vec![],
        heldout_pred: vec![],
        heldout_mse,
        heldout_loss: heldout_mse,
        gen_x: (0..n).map(|i| i as f32 * 0.5).collect(),
        gen_pred: pred.to_vec(),
        gen_truth: truth.to_vec(),
        gen_mse: (!truth.is_empty()).then_some(mse),
    }
}

#[test]
fn the_band_runs_along_the_generation_and_back_along_the_truth() {
    let e = eval(&[1.0, 2.0, 3.0], &[1.0, 1.5, 1.0], 0.0);
    assert_eq!(band(&e), vec![(0.0, 1.0), (0.5, 2.0), (1.0, 3.0), (1.0, 1.0), (0.5, 1.5), (0.0, 1.0)]);
    // Only where the truth is known.
    let e = eval(&[1.0, 2.0, 3.0], &[1.0], 0.0);
    assert_eq!(band(&e), vec![(0.0, 1.0), (0.0, 1.0)]);
    assert_eq!(drifts_past(&eval(&[0.0, 0.1, 0.5, 2.0], &[0.0; 4], 0.0), 0.25), Some(3));
    assert_eq!(drifts_past(&eval(&[0.0, f32::NAN], &[0.0; 2], 0.0), 0.25), Some(2), "a runaway value counts");
    assert_eq!(drifts_past(&eval(&[0.0, 0.1], &[0.0; 2], 0.0), 0.25), None);
}

#[test]
fn the_course_recipe_is_on_the_left_and_the_sentence_says_who_held() {
    let drifting = eval(&[0.0, 0.1, 0.5, 2.0], &[0.0; 4], 1e-6);
    let holding = eval(&[0.0, 0.01, 0.02, 0.0], &[0.0; 4], 2e-6);
    let page = Recipe::of(&Settings::default());
    assert_eq!(page, Recipe { training: Training::Teacher, warmup: 15, amsgrad: true });
    let warm = Side { recipe: page, steps: 2000, eval: &holding };
    let course = Side { recipe: Recipe::COURSE, steps: 2000, eval: &drifting };
    let pair = ordered(warm.clone(), course.clone());
    assert_eq!(pair[0].recipe, Recipe::COURSE);
    assert_eq!(ordered(course, warm), pair);
    let text = summary(&pair);
    assert!(text.starts_with("The course's recipe (teacher forcing, every step scored) (2000 steps): one-step MSE"), "{text}");
    assert!(text.contains("off by more than 0.25 from step 3"), "{text}");
    assert!(text.contains("Teacher forcing, the first 15 steps not scored, AMSGrad (2000 steps)"), "{text}");
    assert!(text.contains("stays within 0.25 of the truth throughout"), "{text}");
    assert!(text.contains("learnt a rule exact enough to generate on its own"), "{text}");
    // Free-running, every step scored, against the course's recipe.
    let free = Side { recipe: Recipe { training: Training::Free, ..Recipe::COURSE }, steps: 2000, eval: &holding };
    let text = summary(&ordered(free, Side { recipe: Recipe::COURSE, steps: 2000, eval: &drifting }));
    assert!(text.contains("Free-running training, every step scored (2000 steps)"), "{text}");
    assert!(text.contains("learnt to correct the small errors"), "{text}");
    // Each recipe's twin: the course's, and for the course's the page's.
    assert_eq!(page.other(), Recipe::COURSE);
    assert_eq!(Recipe::COURSE.other(), page);
}
