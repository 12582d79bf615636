//! The series lessons' settings column (fields, hints, choices), the notices and the view tabs.

english! {
    SettingsText {
        // The settings column.
        /// The column's accessible name.
        panel: "Settings",
        fresh_run_note: "Changing a setting starts a fresh run (how it generates excepted).",
        model: "Model",
        cell: "Cell",
        units: "Units",
        layers: "Layers",
        activation: "Activation",
        peepholes: "Peepholes",
        /// Shown under the activation while it is disabled (LSTM, GRU).
        activation_note: "The activation is SimpleRNN's; LSTM and GRU use tanh and sigmoid gates.",
        /// The training section's heading.
        training: "Training",
        /// The window length field (T: the symbol for it).
        window: "Window T",
        batch: "Batch",
        warmup: "Warm-up",
        warmup_hint: "first steps of a window left out of the loss; 0 = none",
        /// The warm-up's note when it is 0.
        warmup_none: "Every step of each window is scored, the first ones too (the course's way): predicting from one or two values, their errors are large, and they outweigh the rest.",
        /// The warm-up's note when it is 1.
        warmup_one: "The first step of each window is not scored: there the model has read one value (from which a wave may rise or fall).",
        /// The warm-up's note when it is 2 or more ({k}).
        warmup_many: "The first {k} steps of each window are not scored: there the model has read too little to predict (from one value, a wave may rise or fall), and their errors would outweigh what generating needs.",
        /// The label of the choice between free-running and teacher forcing.
        training_mode: "Training",
        training_free: "free-running",
        training_teacher: "teacher forcing",
        /// How many of a window's last steps read the model's own predictions (free-running).
        own_predictions: "Own predictions",
        own_predictions_hint: "free-running: last steps of a window; 0 = a third",
        /// The training note for teacher forcing without a warm-up.
        note_teacher_no_warmup: "Teacher forcing (the course's way): every step reads the true value. One-step predictions are excellent, but the model never sees its own errors, so generating on its own it may drift; a warm-up or free-running training keeps it on course.",
        /// The training note for teacher forcing with a warm-up.
        note_teacher: "Teacher forcing (the course's way): every step reads the true value. The model never sees its own errors, so how well it generates on its own rests on how exact its one-step rule is.",
        note_free: "Free-running: the last steps of each window read the model's own predictions, and it learns through them to correct its own errors, as it must when it generates.",
        /// Gradient clipping by norm.
        clip_norm: "Clip norm",
        clip_norm_hint: "0 = off",
        /// The sine lesson's data section.
        sine: "Sine wave",
        amplitude: "Amplitude",
        frequency: "Frequency",
        noise: "Noise",
        points: "Points",
        /// The start of the sine's x range.
        x_from: "x from",
        /// The end of the sine's x range.
        x_to: "x to",
        /// The generation section's heading.
        generation: "Generation",
        predicts: "The model predicts",
        predicts_hint: "change: the next value is the current one plus the predicted step, so a trend goes on past the values seen",
        predict_value: "the next value",
        predict_change: "the change to it",
        /// Where generating starts from.
        gen_from: "Starting from",
        gen_from_data: "the last training values",
        gen_from_zeros: "zeros",
        gen_steps: "Steps to generate",
        gen_start: "Start at value",
        gen_start_hint: "0 = right after the training stretch; or click a chart. Changing how it generates keeps the trained model.",
        optimizer: "Optimizer",
        learning_rate: "Learning rate",
        momentum: "Momentum",
        amsgrad: "AMSGrad",
        amsgrad_hint: "divide by the largest second moment so far: no huge step when tiny gradients grow again",
        dropout: "Dropout",
        recurrent_dropout: "Recurrent dropout",
        /// A yes/no choice's "no".
        off: "off",
        /// A yes/no choice's "yes".
        on: "on",
        seed: "Seed",
        /// The button that draws a new seed (its name and tooltip).
        new_seed: "New random seed",
        engine: "Engine",
        engine_auto: "automatic",
        engine_cpu: "CPU (WebAssembly SIMD)",
        engine_webgpu: "WebGPU (the GPU)",
        engine_hint: "WebGPU trains on the GPU where the browser offers it; automatic times both on this model and keeps the faster",

        // The view tabs.
        views: "Views of the lesson",
        view_training: "Training",
        /// The unrolled chain's tab.
        view_chain: "Inside the cell",
        view_gradients: "Gradients through time",
        view_embeddings: "Word embeddings",
        view_model: "Model & Keras code",
        /// The hand-computed 3-neuron network and the input format.
        view_basics: "RNN basics",

        // The message bar.
        notice_diverged: "Training paused",
        notice_error: "Something went wrong",
        notice_url: "Some settings in the link were not used",
        /// {items}: the link's problems, separated by "; ".
        notice_url_body: "{items}. Defaults are used instead.",
        /// After the listed problems of a link, when one more is not listed.
        notice_more_one: "; and {n} more field",
        /// After the listed problems of a link, when {n} (2 or more) are not listed.
        notice_more_many: "; and {n} more fields",
        /// The × button's name.
        dismiss: "Dismiss message",
        /// A link's problem: the experiment it describes could not be built ({message}: the
        /// worker's reason).
        link_experiment: "the link's experiment: {message}",
        /// {n}: how many times (3 or more); {why}: the browser's error.
        restart_failed: "The training engine stopped {n} times within a minute ({why}). Reload the page to start again.",
        restarted_title: "The engine restarted",
        /// {why}: the browser's error; {with}: `restarted_weights` or nothing.
        restarted: "The training engine stopped unexpectedly ({why}). A new one took up your settings{with}; press Train to go on.",
        /// Put into `restarted` after "your settings" (with its leading space).
        restarted_weights: " and the weights it had after step {step}",
        one_worker_title: "One worker now",
        helper_lost: "The second worker stopped answering, so training goes on in one worker: the same results, only slower.",
        gpu_lost_title: "Training paused: the GPU was lost",
        /// {error}: the browser's error.
        worker_start_failed: "The browser could not start the training worker: {error}",
        /// {error}: why it could not be read.
        worker_unreadable: "The page received an unreadable message from the worker: {error}",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[
    "training",
    "batch",
    "warmup",
    "amplitude",
    "momentum",
    "amsgrad",
    "dropout",
    "seed",
    "engine",
    "engine_cpu",
    "peepholes",
    "view_training",
];
