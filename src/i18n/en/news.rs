//! The news lesson: its toolbar, settings, data card, headline reader, results, curves and model files.

english! {
    News {
        // The model line above the views.
        /// `{model}`: the model's summary; `{weights}`, `{vocabulary}`, `{train}`, `{val}`: counts
        /// (weights, words, training rows, validation rows); `{estimate}`: the estimated time.
        model_line: "{model} · {weights} weights · vocabulary {vocabulary} · {train} training rows, {val} for validation · {estimate} (estimated)",

        // Toolbar (Train / Pause, Step, Reset and the loss come from `toolbar`).
        /// The Step button's tooltip.
        step_hint: "Train on one batch",
        stat_epoch: "Epoch",
        stat_batch: "Batch",
        stat_samples_per_sec: "Samples/s",
        stat_time_left: "Time left",
        stat_accuracy: "Accuracy",
        stat_validation: "Validation",
        stat_test: "Test",
        /// The time left once the run is over.
        time_left_done: "done",
        /// The run's progress bar.
        run_progress: "Training run",
        note_done: "Training is over. Reset, or change a setting, to train again.",
        note_running_means: "Loss and accuracy are running means over the epoch so far, as Keras prints them.",

        // Settings column.
        settings: "Settings",
        settings_note: "Changing a setting starts a fresh run.",
        preset: "Preset",
        /// The presets' names are their link values; the rest describes them.
        preset_rnn_title: "rnn-title — SimpleRNN(16), titles",
        preset_rnn: "rnn — SimpleRNN(16), masked",
        preset_lstm: "lstm — LSTM(8), masked",
        preset_gru: "gru — GRU(64), masked",
        preset_bilstm: "bilstm — 2 × Bidirectional LSTM(64)",
        preset_gru_tuned: "gru-tuned — GRU(128), regularised, 4 epochs",
        section_model: "Model",
        cell: "Cell",
        units: "Units",
        layers: "Layers",
        bidirectional: "Bidirectional",
        embed_dim: "Embedding size",
        section_text: "Text",
        /// Which text columns the model reads.
        reads: "Reads",
        reads_title: "title",
        reads_both: "title + description",
        vocabulary: "Vocabulary",
        max_len: "Max length",
        max_len_hint: "0 = per batch",
        masking: "Masking",
        masking_hint: "off: padding is read as words",
        bucketing: "Bucketing",
        section_training: "Training",
        epochs: "Epochs",
        batch: "Batch",
        lr_schedule: "Learning-rate schedule",
        schedule_constant: "constant",
        schedule_cosine: "cosine decay",
        val_share: "Validation share",
        clip_norm: "Clip norm",
        zero_is_off: "0 = off",
        restore_best: "Keep best epoch",
        /// Followed by a number of epochs.
        average_last: "Average last",
        average_last_hint: "epochs; 0 = off",
        on: "on",
        off: "off",

        // Data card.
        /// Before the data's name.
        data: "Data: ",
        from_cache: "from this browser's cache",
        /// `{train}`, `{test}`: row counts; `{held}`: `held_out_of_file` or nothing; `{classes}`: the
        /// number of classes; `{list}`: `: ` and their names, or nothing when there are many.
        data_summary: "{train} training rows · {test} test rows{held} · {classes} classes{list}",
        held_out_of_file: " (held out of the file)",
        /// `{train}`: the rows the page has; `{total}`: AG News's training rows.
        data_subset: "A part of AG News: {train} of its {total} training headlines (the part Unroll could obtain), and its whole test split.",
        /// Bytes downloaded so far, of how many.
        loaded_of: "{loaded} of {total}",
        download_progress: "Download progress",
        cancel: "Cancel",
        /// Before the layout the CSV was read in (columns, header).
        read_as: "Read as: ",
        bad_rows_one: "{n} malformed row was skipped",
        bad_rows_many: "{n} malformed rows were skipped",
        /// A skipped row: `{problem}` says what is wrong with it.
        bad_row: "line {line}: {problem}",
        bad_rows_more: "… and {more} more",
        /// Before and after the name of the file a link's experiment was trained on.
        upload_wanted_before: "This link's experiment was trained on ",
        upload_wanted_after: ", a file its author uploaded (a link cannot carry a file): choose or drop it below to train on it. Until then the data at hand is used.",
        /// `{error}`: why (from the reader of the file, in English).
        data_refused: "This data could not be used — {error}. The current data is unchanged.",
        data_failed: "No data could be loaded — {error}.",
        try_again: "Try again",
        own_csv: "Your own CSV",
        or_drop: "or drop it here",
        or_url: "or its URL",
        load: "Load",
        back_to_ag_news: "Back to AG News",
        /// The help text around the column names (in `<code>`, not translated).
        help_layout: "A CSV with a label column and one or two text columns: AG News's own layout (no header: ",
        help_header: ", classes 1…K), or a header naming them (",
        help_classes: "…). Any number of classes; labels may be names. ",
        help_limits: "20 % of the rows are held out to test on; at most 50 MB.",

        // Headline reader.
        type_headline: "Type a headline",
        reader_legend: "Model that reads it",
        reader_pretrained: "Pretrained",
        reader_yours: "Your model",
        /// `{file}`: the model file's name; `{model}`: the model's summary.
        read_by_file: "Read by the model opened from {file}: {model}.",
        read_by_pretrained: "Read by the pretrained AG News model shipped with this page: {model}. Train your own above and switch to it.",
        loading_pretrained: "Loading the pretrained model…",
        read_by_restored: "Read by your model, as it was when the engine restarted.",
        read_by_untrained: "Read by your model, untrained so far: it guesses about evenly.",
        read_by_trained: "Read by the model you trained.",
        read_by_training: "Read by your model as it is now, in epoch {epoch} (batch {batch} of {batches}).",
        about_model: "How this model was made",
        /// Before the most probable class.
        model_says: "The model says: ",
        type_words: "Type a few words.",
        class_probabilities: "Class probabilities",
        not_in_vocabulary: " (not in the vocabulary)",
        after_each_word: "After each word",
        tokens_one: "{n} token",
        tokens_many: "{n} tokens",
        /// After the token count.
        tokens_oov: "; {n} not in the model's vocabulary (marked ?), read as the out-of-vocabulary token",
        top_two_caption: "The two most probable classes after each word",

        // Test results.
        on_test_set: "On the test set",
        testing: "Testing on {n} headlines…",
        results_pending: "The test results appear when training pauses or ends: accuracy, a confusion matrix, and the headlines the model got wrong.",
        /// Follows the epoch count in the summary.
        weights_kept: " (the weights of epoch {epoch}, the best on validation)",
        weights_averaged: " (the average of the last {n} epochs' weights)",
        /// `{weights}`: `weights_kept`, `weights_averaged` or nothing; `{loss}`: the mean loss.
        test_summary_one: "Accuracy {accuracy} on {rows} headlines after {epochs} epoch{weights}; mean loss {loss}.",
        test_summary_many: "Accuracy {accuracy} on {rows} headlines after {epochs} epochs{weights}; mean loss {loss}.",
        confusion_caption: "Confusion matrix: rows are the true class, columns the predicted one; recall per row, precision per column.",
        recall: "Recall",
        precision: "Precision",
        /// `{misses}` of `{rows}` test rows were wrong; the first `{shown}` are listed.
        misclassified: "Misclassified: {misses} of {rows} (the first {shown} in file order)",
        misclassified_label: "Misclassified test headlines",
        col_text: "Text",
        col_true_class: "True class",
        col_answer: "Model's answer",

        // Curves.
        loss: "Loss",
        accuracy: "Accuracy",
        axis_epoch: "epoch",
        press_train: "Press Train to start",
        line_each_batch: "training (each batch)",
        line_smoothed: "training (smoothed)",
        line_epoch_mean: "training (epoch mean)",
        line_validation: "validation",
        /// For screen readers; `{what}`: `loss` or `accuracy`.
        chart_empty: "{what} chart: no batches trained yet.",
        /// For screen readers; `{epochs}`: epochs trained; `{latest}`: the latest value; `{val}`:
        /// `chart_validation` or nothing.
        chart_label: "{what} per training batch over {epochs} epochs; latest {latest}{val}.",
        chart_validation: ", validation {value} after epoch {epoch}",

        // Model files.
        model_files: "Model files",
        save_model: "Save model",
        save_model_hint: "Save the model as it is now: weights, vocabulary and classes (pause first)",
        open_model: "Open a model file…",
        /// `{mb}`: the size limit in MB.
        model_too_large: "{name} was not opened: it is larger than {mb} MB.",
        opening_model: "Opening {name}…",
        model_drop_hint: "Drop a model file here to open it",
        preset_changed: "some fields differ from this preset",
        /// After a model file was opened: `{model}` is its one-line architecture.
        opened_model: "Opened {name}: {model}. It reads the headlines below in place of the pretrained model.",
        saved_model: "Saved {name}.",
        train_opened: "Train it further",
        train_opened_hint: "Go on training the opened model on these headlines: its weights are the starting point, its vocabulary reads the texts",
        /// While the opened model `{name}` is the one being trained.
        training_opened: "Training {name} further: it starts from the file's weights and reads with its vocabulary, and the settings show its architecture. Changing a setting starts a fresh model; a link to this page starts from fresh weights too.",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["stat_batch", "stat_test", "section_text", "bucketing", "section_training", "batch", "col_text"];
