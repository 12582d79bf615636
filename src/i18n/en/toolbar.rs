//! The training toolbar of the series lessons (the news lesson's shares its buttons).

english! {
    Toolbar {
        controls: "Training controls",
        train: "Train",
        pause: "Pause",
        step: "Step",
        reset: "Reset",
        stat_step: "Step",
        stat_loss: "Loss",
        stat_steps_per_sec: "Steps/s",
        stat_heldout: "Held-out MSE",
        stat_generation: "Generation MSE",
        /// The step counter's tooltip while steps are still on the GPU.
        in_flight: "{n} more on their way back from the GPU",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["pause"];
