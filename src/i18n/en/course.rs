//! The course views: three neurons, input format, gradients and the word map (embeddings).

english! {
    Course {
        // The hand-computed recurrent layer of three neurons.
        tn_title: "A recurrent layer of three neurons, by hand",
        /// Before the first formula (`Y0 = tanh(X0·Wx + b)`).
        tn_intro_start: "One layer, unrolled over two time steps: ",
        /// Between the two formulas.
        tn_intro_then: ", then ",
        /// After the second formula (`Y1 = tanh(Y0·Wy + X1·Wx + b)`).
        tn_intro_end: ". The same weights are used at both steps. Change any number and everything below is computed again.",
        tn_caption_x0: "X0: the inputs at t = 0",
        tn_caption_x1: "X1: the inputs at t = 1",
        tn_caption_wx: "Wx: input weights (Keras kernel)",
        tn_caption_wy: "Wy: recurrent weights (Keras recurrent_kernel)",
        tn_caption_b: "b: bias",
        /// Puts the numbers of the course's book back.
        tn_reset: "Back to the book's numbers",
        tn_arrows_hint: "Arrow keys change a number by 0.1 (with Shift: by 1).",
        tn_invalid: "Some boxes do not hold a number: the results below use their last valid values.",
        /// Which row of the batch (instance) the unrolled picture shows.
        tn_pick: "Instance in the picture",
        tn_expand: " Show every product of x·Wx and y·Wy",
        /// A row or column of the tables: instance (row of the batch) `{i}`.
        tn_instance_n: "instance {i}",
        /// A row or column of the tables: input feature `{i}`.
        tn_input_n: "input {i}",
        /// A row or column of the tables: neuron `{i}`.
        tn_neuron_n: "neuron {i}",
        /// In the picture: the cell at time step `{t}`.
        tn_cell_at: "cell at t = {t}",
        /// The picture's accessible name; `{i}`: the instance shown.
        tn_picture_label: "The layer unrolled over two time steps, for instance {i}. Described in the paragraph below the picture.",
        /// The picture's description; `{x0}`, `{x1}`: "X0 = [..]", "X1 = [..]", `{y0}`, `{y1}`: "Y0 = [..]", "Y1 = [..]".
        tn_picture_desc: "Two copies of the same cell, left to right. At t = 0 the cell takes {x0} and gives {y0} = tanh(X0·Wx + b). Y0 is the output at t = 0 and also goes right, into the cell at t = 1, which takes {x1} and gives {y1} = tanh(Y0·Wy + X1·Wx + b). Both copies share the weights Wx, Wy and b.",
        tn_step0_caption: "t = 0: Y0 = tanh(X0·Wx + b) (no previous output yet)",
        /// The step table's accessible name.
        tn_step_region: "Computation at t = {t}",
        tn_col_instance: "Instance",
        tn_col_neuron: "Neuron",
        /// `{batch}×{neurons}`: the shape of the outputs.
        tn_outputs_caption: "Y{t}, the outputs at t = {t} [{batch}×{neurons}]",

        // Sentences as a [batch, time] tensor.
        if_title: "What a recurrent layer reads: [batch, time]",
        if_text_label: "Sentences, one per line",
        if_hint: "Each sentence is cut into words the way the news lesson does it (lower case, punctuation removed) and each word becomes its number in the vocabulary. The sentences are stacked as the rows of one tensor.",
        if_limit_label: "Vocabulary size (max_tokens)",
        /// Vocabulary limit: no limit.
        if_limit_all: "every word",
        /// Vocabulary limit: `{n}` entries.
        if_limit_entries: "{n} entries",
        /// Tooltip of a padded cell.
        if_padding_title: "padding: masked",
        /// Read by screen readers after a padded cell's id.
        if_padding_hidden: " padding, masked",
        if_vocab_caption: "Vocabulary: {n} entries",
        if_col_id: "Id",
        if_col_token: "Token",
        if_col_count: "Count",
        if_grid_region: "Token ids, [batch, time]",
        /// Start of the id grid's caption; `{shape}`: e.g. "[2, 5]".
        if_grid_shape: "Token ids, shape [batch, time] = {shape}: ",
        if_sentences_one: "{n} sentence",
        if_sentences_other: "{n} sentences",
        if_steps_one: "{n} time step",
        if_steps_other: "{n} time steps",
        /// `{sentences}`: "2 sentences", `{steps}`: "5 time steps".
        if_grid_dims: "{sentences} (batch, the rows) of {steps} (time, the columns). ",
        if_grid_padding: "Shorter sentences are padded with 0 at the end (grey): those steps are masked, so the recurrent layer skips them.",
        if_col_sentence: "Sentence",
        if_mask_caption: "Mask {shape}: 1 for a word, 0 for padding (Keras computes it from the zeros with mask_zero=True).",

        // Gradients through time.
        grad_title: "Gradients through time",
        grad_intro_1: "Backpropagation through time carries the loss's gradient from the output back along the chain, step by step. ",
        grad_intro_2: "Each step multiplies it by the cell's recurrent Jacobian: where that shrinks it, the early steps hardly learn (vanishing); where it grows it, training blows up (exploding).",
        /// A chart line: layer `{n}`'s gradient with respect to the hidden state.
        grad_line_h: "layer {n}: ‖∂L/∂h_t‖",
        /// The same for the backward direction of a bidirectional layer.
        grad_line_h_back: "layer {n} backward: ‖∂L/∂h_t‖",
        /// A chart line: layer `{n}`'s gradient with respect to the LSTM's cell state.
        grad_line_c: "layer {n}: ‖∂L/∂C_t‖",
        grad_line_c_back: "layer {n} backward: ‖∂L/∂C_t‖",
        /// The chart's text for screen readers; `{input}`: the input's caption, `{loss_of}`: what the loss compares.
        grad_model_label: "Gradient norm at every step of {input} for the loss of {loss_of}: {last} at the last step, {first} at the first (layer 1). Loss {loss}.",
        grad_model_none: "No gradients: pick an input whose next values are known (not the series' last window).",
        /// “Inside the cell” is the name of the unrolled-chain view.
        grad_model_caption: "Input: {input}. Loss: {loss_of}. Change the input in “Inside the cell”.",
        grad_model_title: "This model, this input",
        grad_model_chart: "‖∂L/∂h_t‖ at every step (log scale)",
        /// The gradient charts' x axis.
        grad_x_label: "step t",
        grad_model_empty: "Waiting for the model's gradients",
        cmp_rnn_clipped: "SimpleRNN, clipped",
        cmp_lstm_clipped: "LSTM, clipped",
        cmp_gru_clipped: "GRU, clipped",
        /// One cell's part of the comparison chart's text; `{name}`: SimpleRNN, LSTM or GRU.
        cmp_label_part: "{name}: the first step gets {ratio} times the last step's gradient",
        /// The comparison chart's text; `{parts}`: the cells' parts joined by "; ".
        cmp_label: "Gradient norm at every step of a {time}-step sine window, loss at the last step. {parts}.",
        cmp_computing: "The comparison is being computed.",
        /// Clipping column when no clip norm is set.
        cmp_clip_off: "off",
        /// `{ms}`: milliseconds with one decimal.
        cmp_table_caption: "T = {time}, {units} units, computed in {ms} ms in the worker",
        cmp_col_cell: "cell",
        cmp_col_weights: "‖∂L/∂W‖ (all weights)",
        cmp_col_clipping: "clipping by global norm",
        cmp_title: "SimpleRNN, LSTM and GRU on a long sequence",
        cmp_hint_1: "Each cell reads the same sine window and is judged on its last step only; the chart shows how much of that gradient reaches every earlier step. ",
        cmp_hint_2: "Raise the recurrent scale to see it explode, set a clip norm to see what clipping does (it rescales the whole gradient, keeping its direction), ",
        cmp_hint_3: "open the gates (forget / update bias) to see the LSTM and GRU carry it far back.",
        cmp_presets: "Comparison settings",
        cmp_preset_vanishing: "Vanishing (tanh)",
        cmp_preset_open: "Gates kept open",
        cmp_preset_exploding: "Exploding",
        cmp_preset_clipped: "Exploding, clipped at 1",
        cmp_fields: "Comparison settings, one by one",
        cmp_steps: "Steps T",
        cmp_units: "Units",
        cmp_activation: "SimpleRNN activation",
        cmp_scale: "Recurrent scale",
        cmp_keep: "Forget / update bias +",
        cmp_clip: "Clip norm (0 = off)",
        cmp_seed: "Seed",
        cmp_chart: "‖∂L/∂h_t‖ at every step, loss at the last one (log scale)",
        cmp_empty: "Computing…",

        // The word map.
        map_no_class: "no class",
        /// A dot's class; `{percent}`: how strongly, e.g. "62%".
        map_leans_to: "leans to {class} ({percent})",
        /// A dot's tooltip; `{leans}`: "leans to … (…)" or "no class".
        map_dot_title: "{word}: seen {count} times, {leans}",
        map_method_pca: "PCA: the two directions along which the {dim} embedding dimensions vary most ({first} and {second} of the variance)",
        map_method_tsne: "t-SNE after {done} of {total} iterations: near words stay near; distances across the map mean little",
        /// The map's accessible name; `{method}`: one of the method lines.
        map_label: "Map of the {n} most frequent words of the model's vocabulary of {vocabulary}, coloured by the class each leans to. {method}.",
        map_tsne_measuring: "t-SNE: measuring neighbourhoods ({percent})",
        map_tsne_iteration: "t-SNE: iteration {done} of {total}",
        /// A looked-up word's class; `{lift}`: how many times more often than chance, one decimal.
        map_lookup_leans: "leans to {class} ({percent}, {lift}× chance)",
        map_on_map: "on the map (circled)",
        map_not_on_map: "not among the mapped words",
        /// After the looked-up word (in bold); `{leans}`: its class, `{on_map}`: whether it is on the map.
        map_lookup_info: ": seen {count} times, {leans}; {on_map}.",
        map_nearest: "Nearest words (cosine similarity of their embedding vectors):",
        map_table_caption: "The 200 most frequent mapped words",
        map_col_word: "word",
        map_col_count: "count",
        map_col_leans: "leans to",
        map_col_lean: "lean",
        map_title: "Word embeddings on a map",
        map_intro_1: "The Embedding layer gives every word a vector the model learns. Words used alike end up near each other: ",
        map_intro_2: "here the model's vectors of the most frequent words, flattened to two dimensions.",
        map_model: "Model",
        map_pretrained: "pretrained",
        map_trained: "yours (being trained)",
        map_tsne: "Lay out with t-SNE",
        map_pca: "PCA again",
        map_find_label: "Find a word",
        map_find: "Find",
        map_hide_table: "Hide the table",
        map_show_table: "Words as a table",
        map_paler: "paler: leans less",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &["tn_col_neuron", "if_col_token", "cmp_seed"];
