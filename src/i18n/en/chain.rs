//! The unrolled chain view: its source, canvas, detail, table and folded views, and the explanations.

english! {
    Chain {
        // The panel (ui/chain/mod.rs).
        title: "Inside the cell: the unrolled chain",
        hint: "The same cell applied at every time step, left to right; each step hands its state to the next (the arrows). Each cell shows its gates and states as columns, one row of pixels per unit.",
        /// The toolbar's accessible name.
        tools: "Chain view",
        follow: "Follow training",
        fold: "Fold into one looping cell",
        unfold: "Unroll the chain",
        zoom_out: "Zoom out",
        zoom_in: "Zoom in",
        fit: "Fit",
        show_table: "Numbers as a table",
        hide_table: "Hide the numbers",
        /// How long tracing the chain took; `{ms}` with one decimal.
        cost: "traced in {ms} ms",
        /// The caption's weights: the pretrained news model.
        weights_own: "its own trained weights",
        weights_untrained: "untrained weights",
        weights_after: "weights after {n} training steps",
        /// The canvas's accessible name; `{caption}` is the lesson's caption of the input (English).
        canvas_label: "The unrolled chain: {steps} steps of {caption}, one cell per step and layer. Arrow keys move along time and between layers, Page Up and Page Down between units, plus and minus zoom.",
        canvas_waiting: "The unrolled chain: waiting for the model.",
        /// Read out when the keyboard moves the selection: the detail's title, what the cell read,
        /// and its last equation (`h_t = …`).
        announce: "{title}. Reads {reads}. {last}",
        /// The keyboard help (read by screen readers with the canvas).
        keys: "Arrow keys: along time and between layers. Page Up, Page Down: units. Home, End: first and last step. Plus, minus: zoom; 0: fit.",
        folded_steps: "Step of the folded cell",
        folded_prev: "◀ Previous step",
        folded_step: "Step",
        folded_next: "Next step ▶",

        // Which input (ui/chain/source.rs).
        window_group: "Which window of the series",
        /// `{n}`: the window's length.
        window_start: "Window of {n} values starting at value",
        seed_window: "Generation's seed window",
        first_heldout: "First held-out window",
        headline_group: "Which headline",
        test_example: "Test example",
        /// After the test example's number: `{n}` test examples.
        of_examples: "of {n}",
        previous: "Previous",
        next: "Next",
        random: "Random",
        or: "or",
        your_headline: "Your headline",
        show_headline: "Show this headline",
        model: "Model",
        reader_trained: "yours (being trained)",
        reader_pretrained: "pretrained",

        // The selected cell's equations and the legend (ui/chain/detail.rs).
        detail: "The selected cell's equations",
        detail_empty: "Point at a cell, or focus the chain and use the arrow keys.",
        /// `{reads}`: what the cell read (a word, a value, padding, the layer below).
        detail_reads: "Reads: {reads}",
        legend_diverging: "states, sums and candidates: negative · 0 · positive (each row's range beside it)",
        legend_gates: "gates: 0 (closed) … 1 (open)",
        legend_padding: "padding: skipped, the state carried over",

        // Shared by the table, the folded cell, the canvas and the equations.
        /// A layer direction of a bidirectional layer.
        forward: "forward",
        backward: "backward",
        /// A step of padding (the layers skip it).
        padding: "padding",
        input: "input",
        output: "output",

        // The numbers as a table (ui/chain/table.rs).
        /// `{dir}`: empty, or " · forward" / " · backward"; `{columns}`: the columns' meanings.
        table_caption: "Layer {layer} · {name}{dir}: every step's input, then each column's values for units 1 to {units} ({columns}).",
        table_step: "step",

        // The canvas (ui/chain/canvas.rs).
        /// A padding step's input label on the canvas (short).
        pad: "pad",
        /// A row's label; `{dir}`: an arrow, with "forward" or "backward" for a bidirectional layer.
        row_layer: "layer {n} {dir}",
        /// A row's label: the columns' short names (`i f c o C h`).
        row_columns: "columns: {names}",
        /// Beside the inputs when only every k-th step has its label.
        one_in: "(one in {every} labelled)",
        all_steps: "all steps",
        summary: "Summary of every step: how large each layer's hidden state is; the frame marks the steps in view. Click to scroll there.",
        /// The canvas's role description (read by screen readers).
        role: "unrolled chain",

        // The folded cell (ui/chain/folded.rs).
        folded_unit: "unit {unit}: h_t = {h}",
        folded_prediction: "prediction after step {step}: {value}",
        /// The news model's answer: its class and probability (`{percent}` without decimals).
        folded_class: "after the last step: {class} ({percent} %)",
        folded_label: "The chain folded into one looping cell per layer, at step {step} of {time} (input {input}): each cell feeds its state back into itself for the next step.",
        /// Under the folded cells: the input at the step shown (two spaces before the bracket).
        folded_input: "x_t = {input}  (step {step} of {time})",

        // The equations (app/chain/explain.rs).
        /// `{direction}`: empty, " · forward" or " · backward (reads …)".
        explain_title: "Layer {layer} · {name}{direction} · step {step} of {time} · unit {unit} of {units}",
        backward_from_end: "backward (reads the sequence from its end)",
        reads_word: "“{word}”",
        reads_unknown: "“{word}” (not in the vocabulary: read as [UNK])",
        reads_below: "the output of layer {n} at this step",
        reads_skipped: "padding: the layer skips this step",
        /// After `h_{t-1}` or `C_{t-1}` at a padding step, in brackets.
        carried_over: "carried over",

        // What each column is (app/chain/layout.rs).
        meaning_input_gate: "input gate i",
        meaning_forget_gate: "forget gate f",
        meaning_lstm_candidate: "candidate c (C̃ in Olah's pictures)",
        meaning_output_gate: "output gate o",
        meaning_update_gate: "update gate z",
        meaning_reset_gate: "reset gate r",
        meaning_gru_candidate: "candidate h̃ (Keras's h)",
        meaning_sum: "sum before the activation",
        meaning_cell_state: "cell state C",
        meaning_hidden: "hidden state h",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
