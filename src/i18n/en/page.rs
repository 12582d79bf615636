//! The top bar, the lesson switch, the language menu, the skip link and the engine line.

english! {
    Page {
        tagline: "watch a recurrent network learn",
        lesson: "Lesson",
        lesson_sine: "Sine wave",
        lesson_typed: "Your sequence",
        lesson_news: "News headlines",
        language: "Language",
        /// The language menu's tooltip: choosing reloads the page.
        language_hint: "Opens this experiment again in another language",
        skip_to_controls: "Skip to training controls",
        back_to_controls: "Back to training controls",
        engine: "Engine: ",
        engine_starting: "starting…",
        /// `{n}` workers.
        workers: " · {n} workers",
        workers_hint: "Two workers: each training batch of the sine and typed lessons is computed in two halves at once, on two CPU cores (the same results as one worker).",
        /// The model line of the series lessons.
        model_line: "{model} · {weights} weights · trains on the first {train} of {values} values, windows of {window} steps · {estimate} (estimated)",
        /// A run's estimated memory and time per step (`{bytes}` like "4.5 MB", `{time}` like "2.4 ms").
        estimate: "about {bytes}, {time} per step",
        open_full: "Open in Unroll ↗",
        workspace_training: "Training",
        workspace_news: "News classification",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["engine", "workspace_training"];
