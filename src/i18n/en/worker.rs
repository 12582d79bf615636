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
        // The worker's other messages.
        /// Downloads: the site's own file `{path}` could not be fetched (`{detail}`: the browser's words).
        own_network: "the playground could not download {path} from its own site ({detail}); check the connection and press \"Try again\", or use a CSV file of your own",
        /// `{code} {text}`: the HTTP status.
        own_status: "this site answered {code} {text} for {path}: its copy is missing or broken",
        network: "could not read {url}: the server did not allow this page to read it (cross-origin requests need the server to send Access-Control-Allow-Origin), or it could not be reached ({detail}). Download the file and upload it instead.",
        status: "{url} answered {code} {text}",
        too_large: "{url} is {n} bytes; at most {mb} MB can be loaded",
        other: "could not read {url}: {error}",
        stalled: "{url} sent nothing for {seconds} seconds, so the download was given up: the server may be down or very slow; try again later, or download the file and upload it",
        cancelled: "the download of {url} was cancelled",
        /// Failures.
        not_understood: "The worker received a message it does not understand: {error}",
        training_stopped: "Training stopped: {error}",
        evaluation_failed: "Evaluation failed: {error}",
        /// The news data being read: `{name}` a file's name or AG News.
        reading: "Reading {name}",
        pretrained_failed: "The pretrained headline model could not be loaded: {error}",
        /// Save model before any lesson is built.
        nothing_to_save: "There is no model to save yet: wait until the lesson is built.",
        /// A saved headline model's `about`: `{epochs}` with two decimals.
        news_about: "Trained in Unroll for {epochs} epochs, with the settings {settings}",
        open_first: "Open a model file first.",
        headlines_loading: "The headlines are still loading: try again when they are here.",
        cannot_train_further: "{name} cannot be trained further here: {error}",
        /// The unrolled chain.
        chain_pretrained_headlines: "the pretrained model reads headlines",
        pretrained_loading: "the pretrained model is still loading",
        chain_read_by_pretrained: "{caption}, read by the pretrained model",
        chain_model_building: "the model is still being built",
        chain_not_sent: "the chain could not be sent: {error}",
        chain_series_not_headlines: "the sine and typed lessons read windows of their series, not headlines",
        /// The twin ("Why does it drift?").
        twin_series_only: "The twin is for the sine and typed lessons.",
        twin_train_first: "Train the model first: the twin trains as many steps as it has.",
        twin_failed: "The twin failed: {error}",
        /// The word map.
        words_building: "the news model is still being built",
        words_map_first: "make a map first",
        /// Auto's timing gave up on WebGPU after `{seconds}` s.
        trial_timeout: "WebGPU did not finish a few steps within {seconds} s",
        /// The page could not read a file the student chose: `{error}` the browser's words.
        file_unreadable: "{name} could not be read: {error}",
        series_save_hint: "Save the model as it is now: its weights and the settings that made it (pause first)",
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
