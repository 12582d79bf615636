//! What the lessons say (shared with the command line): the chain's caption, the drift twin's recipes and verdicts, the gradients' captions, the vanishing-gradient comparison.

english! {
    Lessons {
        // The unrolled chain of a headline (`lesson::chain`).
        /// The chain's message when the typed headline has no word the model reads.
        chain_no_words: "type a headline with at least one word to see the chain",
        /// `{max}`: the longest input drawn; `{n}`: the text's length in tokens.
        chain_too_long: "the chain shows at most {max} steps; this text has {n}",
        /// What the gradients' loss compares a headline's answer with, after "the loss of" (the
        /// German, a dative after "gegenüber"); `{name}`: " (World)", the class's name, or nothing.
        loss_of_true_class: "the true class{name}",
        /// As `loss_of_true_class`, when the true class is not known.
        loss_of_own_answer: "the model's own answer{name}",

        // The unrolled chain of a series window (`lesson::series`).
        /// Where a typed sequence's window starts (`{n}` counts from 1).
        chain_place_value: "value {n}",
        /// The window lies in the values trained on.
        chain_training_stretch: "training stretch",
        /// The window reaches into the held-out values.
        chain_heldout_stretch: "held-out stretch",
        /// The chain's caption: `{w}` values, `{place}` like "x = 3.14" or `chain_place_value`,
        /// `{part}` one of `chain_training_stretch` / `chain_heldout_stretch`.
        chain_caption_values: "{w} values from {place} ({part}), one per step; after each the model predicts the next",
        /// As `chain_caption_values`, when the model reads and predicts the changes between values.
        chain_caption_changes: "{w} changes from {place} ({part}), one per step; after each the model predicts the next change",
        /// What the gradients' loss compares with (see `loss_of_true_class`), every step scored.
        loss_of_next: "the true next values (mean squared error)",
        /// As `loss_of_next`, with a warm-up of one step.
        loss_of_next_after_one: "the true next values after the first step (mean squared error; the warm-up is not scored)",
        /// As `loss_of_next`, with a warm-up of `{k}` steps (2 or more).
        loss_of_next_after_many: "the true next values after the first {k} steps (mean squared error; the warm-up is not scored)",

        // Training's messages (`lesson::series`).
        /// `{step}`: the step; `{lr}`: the learning rate as set.
        diverged_not_finite: "Training diverged at step {step}: the loss is no longer a finite number. Try a smaller learning rate (now {lr}) or set a clip norm (e.g. 1), then press Reset.",
        /// `{loss}`, `{first}`: the loss now and at the first step, like "2.345e4".
        diverged_exploded: "Training diverged at step {step}: the loss exploded to {loss} (it started at {first}). Try a smaller learning rate (now {lr}) or set a clip norm (e.g. 1), then press Reset.",
        /// `{n}`: the training values the typed sequence has.
        predict_changes_too_short: "predicting changes needs at least 3 training values, the sequence has {n}",
        /// The “Start at value” setting out of range: `{first}` and `{last}` the values it may
        /// name, `{window}` the seed window's length, `{got}` what was asked.
        gen_start_range: "generation can start from value {first} (after a first seed window of {window}) to value {last}, or 0 for after the training stretch; not {got}",
        /// The model in one line: `{stack}` the layers, Keras style; `{what}` is `model_reads_changes` or nothing.
        model_line: "{stack} → Dense(1) per step{what}",
        /// Put into `model_line` (with its leading space).
        model_reads_changes: " (reads and predicts the changes between values)",

        // "Why does it drift?": the recipes' names (`lesson::twin`).
        recipe_course: "The course's recipe (teacher forcing, every step scored)",
        /// `{how}` in the recipes' names.
        recipe_teacher: "Teacher forcing",
        recipe_free: "Free-running training",
        /// `{ams}` in the recipes' names when it uses AMSGrad (with its leading comma).
        recipe_amsgrad: ", AMSGrad",
        recipe_every_step: "{how}, every step scored{ams}",
        recipe_first_step: "{how}, the first step not scored{ams}",
        /// `{w}`: the warm-up's steps (2 or more).
        recipe_first_steps: "{how}, the first {w} steps not scored{ams}",

        // The vanishing-gradient comparison's settings out of range (`lesson::vanishing`); each
        // follows the setting's key ("time: …").
        /// `{max}`: the longest sequence; `{got}`: what was asked.
        vanishing_time: "must be 2..={max} steps, got {got}",
        vanishing_units: "must be 1..={max}, got {got}",
        vanishing_scale: "must be 0..={max}, got {got}",
        vanishing_keep_bias: "must be -{max}..={max}, got {got}",
        vanishing_clip_norm: "must be a positive number, got {got}",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["recipe_amsgrad"];
