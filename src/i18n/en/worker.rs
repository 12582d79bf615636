//! What the worker says of model files (saved, opened, refused) in the series lessons, and of a
//! model file's architecture the page's settings cannot hold (both lessons).

english! {
    Worker {
        // A model file's stack as the page's settings (lesson::from_file).
        no_recurrent_layer: "it has no recurrent layer",
        layers_differ: "its recurrent layers differ from one another, and the page stacks layers of one kind and size",
        /// `{merge}`: Keras's merge mode (Sum, Mul, Ave).
        merge_differs: "its Bidirectional layers merge by {merge}, and the page's concatenate",
        gru_reset_before: "its GRU layers use reset_after=False, and the page's GRU is Keras's default (reset_after=True)",
        /// `{error}`: what the settings refused.
        settings_cannot_hold: "the page's settings cannot hold it: {error}",
        weights_laid_out: "its weights are laid out differently from the model its settings build",
        // A series model file (the sine and typed lessons).
        series_reads_texts: "it reads texts (a headline model): open it in the news lesson",
        series_not_series: "it does not predict a series value by value (the series lessons' models read one number a step and predict the next)",
        series_bidirectional: "its layers are bidirectional, and a series model reads only forwards (it must not see the value it predicts)",
        /// `{name}`: the file's name; `{why}`: one of the reasons above or a model-file error.
        not_opened: "{name} was not opened: {why}",
        /// `{mb}`, `{max}`: sizes in MB.
        file_too_large: "it has {mb} MB, more than the {max} MB a model file may have",
        not_text: "it is not a text (JSON) file",
        /// `{n}` check outputs differ by up to `{max}` (more than `{tolerance}`).
        check_differs: "its {n} check outputs differ from what its weights give by up to {max} (more than {tolerance})",
        /// The series lesson opened `{name}`: `{model}` its architecture.
        series_opened: "Opened {name}: {model}. The settings show its architecture; Train goes on from its weights, and the views show it. Changing a setting starts a fresh model.",
        pause_to_save: "Pause training to save the model.",
        still_on_gpu: "The model's last steps are still on their way back from the GPU; save again in a moment.",
        /// `{error}`: why the weights could not be read back.
        not_read_back: "The model could not be read back: {error}",
        /// A saved file's `about`: `{steps}` steps, `{settings}` the link's query.
        series_about: "Trained in Unroll for {steps} steps, with the settings {settings}",
        // The news lesson's own.
        news_needs_vectorizer: "it has no text vectorizer, so it cannot read headlines (a series model: open it in the sine or typed lesson)",
        series_save_hint: "Save the model as it is now: its weights and the settings that made it (pause first)",
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
