//! The series lessons' charts, the typed lesson's panel, the drift panel and the model view.

english! {
    Charts {
        // Every chart (`LineChart`).
        /// The group of a chart's SVG and PNG buttons; `{title}` is the chart's title.
        save_chart: "Save the {title} chart",
        /// The x axis of the loss and gradient-norm charts.
        x_step: "step",
        /// A chart's plot before the first training step.
        press_train: "Press Train to start",
        /// A chart's plot before the first evaluation.
        waiting_eval: "Waiting for the first evaluation",
        /// A line of the generation and drift charts.
        true_continuation: "true continuation",
        /// The model's free-running line in the generation and drift charts.
        generated: "generated",

        // The loss chart.
        loss_title: "Loss",
        loss_train_raw: "training (each step)",
        loss_train_smoothed: "training (smoothed)",
        loss_heldout: "held-out",
        /// For screen readers; `{heldout}` is `loss_label_heldout` or nothing.
        loss_label: "Loss per training step on a log scale, {steps} steps so far. Latest training loss {loss}{heldout}.",
        loss_label_heldout: ", latest held-out loss {loss}",
        loss_label_empty: "Loss chart: no training steps yet.",
        /// Under the loss chart; “Warm-up” is the setting of that name.
        loss_note: "They measure different things: the training loss averages the scored steps of a window (those after the warm-up; with Warm-up 0 every step, the first ones with little before them to go on); the held-out loss is the next value after a whole window. So the held-out loss can sit below the training loss, far below it when every step is scored.",

        // The held-out chart.
        heldout_title: "Next value, on data it never trained on",
        heldout_context: "training data (context)",
        heldout_truth: "true next value",
        heldout_pred: "one-step prediction",
        /// For screen readers: `{n}` values, mean squared error `{mse}`.
        heldout_label: "Held-out stretch of {n} values: the true values and the model's one-step-ahead predictions. Mean squared error {mse}.",
        heldout_label_empty: "Held-out predictions: not evaluated yet.",

        // The generation chart.
        gen_title: "Generation: the model continues on its own",
        gen_seed: "seed window",
        /// For screen readers; `{mse}` is `gen_label_mse` or nothing, `{escaped}` is
        /// `gen_label_escaped` or nothing.
        gen_label: "Free-running generation: from a seed window of {window} values the model feeds its own predictions back for {steps} steps{mse}.{escaped}",
        gen_label_mse: "; mean squared error against the true continuation {mse}",
        gen_label_escaped: " The generated values leave the chart after step {step}.",
        gen_label_empty: "Generation: not evaluated yet.",
        /// “Start at value” and “Generation” name a setting and its group.
        gen_note: "Click the chart to generate from that point (or set “Start at value” under Generation).",

        // The gradient-norm chart.
        grad_title: "Gradient norm ‖∂L/∂W‖",
        grad_raw: "each step",
        grad_smoothed: "gradient norm (smoothed)",
        grad_clip: "clip norm",
        /// For screen readers; `{clip}` is `grad_label_clip` or nothing.
        grad_label: "Global gradient norm of every training step, before clipping, on a log scale; latest {norm}{clip}.",
        grad_label_clip: "; clipped to {clip}",
        grad_label_empty: "Gradient norm chart: no training steps yet.",

        // The first generated values as a table.
        next_caption: "The first generated values, as numbers",
        next_col_step: "step",
        next_col_generated: "generated",
        next_col_true: "true",
        next_col_off: "off by",

        // The hint under a short typed sequence. It reads: `windows_hint` with `{windows}` one of
        // `windows_one`/`windows_many`, `{what}` one of `what_values`/`what_changes`, `{held}`
        // one of `held_one`/`held_many`, `{beyond}` one of the `beyond_*` and `{tail}` one of the
        // `tail_*`.
        /// `{t}`: values the model reads at a time; `{train}`: values trained on; `{lo}`, `{hi}`:
        /// the range seen.
        windows_hint: "The model learns from {windows} of {t} {what} (the first {train} values; {held}) and has only seen values from {lo} to {hi}{beyond}. {tail}",
        windows_one: "only one window",
        windows_many: "only {n} different windows",
        what_values: "values",
        what_changes: "changes",
        held_one: "the last one is held out",
        held_many: "the last {n} are held out",
        beyond_changes: "; reading and predicting the changes between values, it can carry a trend past them",
        beyond_linear: "; a linear model carries the rule it finds past them",
        /// “The model predicts: the change to it” names a setting and its choice.
        beyond_values: ": predicting values, its continuation will stay near that range (“The model predicts: the change to it” carries a trend on)",
        tail_nonlinear: "A longer sequence gives it more to learn from: for a wave, two periods or more. A linear SimpleRNN reading a few values at a time (what the page picks for a new short sequence) learns a rule that continues it instead.",
        /// `{rule}`: a formula; `{count}`: its numbers to find.
        tail_enough: "A linear SimpleRNN reading {t} values predicts a fixed rule of them, x_next = {rule}: samples of a wave, a steady trend, a doubling and Fibonacci's numbers each follow one exactly, and {windows} pin its {count} numbers down.",
        /// `{rule}`: a formula; `{count}`: its numbers to find.
        tail_few: "A linear SimpleRNN reading {t} values predicts a fixed rule of them, x_next = {rule}, with {count} numbers to find: {windows} cannot pin them down, so its continuation is a guess. A longer sequence can.",

        // The typed-sequence box.
        typed_label: "Your sequence",
        /// Before the first example sequence.
        typed_hint_start: "Numbers separated by commas or spaces, e.g. ",
        /// Between the two example sequences.
        typed_hint_or: " or ",
        /// After the second example sequence.
        typed_hint_end: ". The first 80 % is trained on, the rest is held out; values are standardised for training.",
        typed_train: "Train on this sequence",
        typed_loaded: "This sequence is loaded.",
        typed_ctrl_enter: "Ctrl+Enter also works.",

        // "Why does it drift?"
        drift_title: "Why does it drift?",
        drift_hint_1: "One step ahead the model reads true values and is nearly perfect. Generating, it reads its own predictions, each a little off, and small errors in its rule add up. ",
        drift_hint_2: "The course's recipe scores every step of a window, the first ones too, which predict from one or two values (a wave may rise or fall from there): their errors never vanish and outweigh the rest, so the rule the later steps use, the one generation runs on, stays inexact. ",
        drift_hint_3: "Leaving the first steps out of the loss (Warm-up) makes it exact enough to hold; free-running training, where the last steps of a window read the model's own predictions, teaches it to correct them, but takes thousands of steps to settle.",
        /// The twin button; `{other}` is one of the `drift_other_*`.
        drift_compare: "Compare: train a twin {other}",
        drift_other_course: "with the course's recipe",
        drift_other_warmup: "with a warm-up of {steps} steps",
        drift_other_warmup_amsgrad: "with a warm-up of {steps} steps and AMSGrad",
        drift_progress_label: "The twin's training",
        drift_progress: "Training the twin: {step} of {target} steps",
        drift_stop: "Stop",
        drift_train_first: "Train first: the twin trains as many steps as the model has.",
        /// The shaded band between generation and truth.
        drift_band: "error (generated − true)",
        /// For screen readers: `{name}` is the recipe, `{summary}` the sentences under the pair.
        drift_label: "{name}: the generated continuation and the true one, with the error between them shaded. {summary}",
        drift_label_untrained: "{name}: not trained yet.",
        /// One side under the pair: `{name}` is the recipe, `{gen}` one of `drift_gen_mse` /
        /// `drift_no_continuation`, `{past}` one of `drift_off_from` / `drift_within` or nothing.
        drift_side: "{name} ({steps} steps): one-step MSE {mse}, {gen}{past}.",
        drift_gen_mse: "generation MSE {mse}",
        drift_no_continuation: "no known continuation",
        drift_off_from: "; it is off by more than 0.25 from step {step}",
        drift_within: "; it stays within 0.25 of the truth throughout",
        /// The twin with a warm-up and teacher forcing generated better.
        drift_verdict_warmup: "Scored only where it has read enough, the model learnt a rule exact enough to generate on its own.",
        /// The twin with a warm-up and free-running training generated better.
        drift_verdict_warmup_free: "Scored after the warm-up and trained on its own predictions, the model generated closer to the truth.",
        /// The free-running twin without a warm-up generated better.
        drift_verdict_free: "Training on its own predictions, the model learnt to correct the small errors it makes when it generates.",
        drift_verdict_course: "Here the course's recipe generated as well or better; try another seed.",

        // The model view.
        model_title: "The model",
        model_building: "The model is being built.",
        summary_caption: "model.summary(), as Keras prints it",
        /// Keras's own column headers (as it prints them).
        summary_layer: "Layer (type)",
        summary_output: "Output shape",
        summary_params: "Param #",
        summary_total: "Total params",
        keras_title: "The same model in Keras",
        keras_copy: "Copy the code",
        keras_copied: "Copied",
        keras_label: "Keras code",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["summary_layer", "summary_output", "summary_params", "summary_total"];
