//! The course exercises' texts made by the lessons: the three-neuron layer's labels and errors, the input format's notes, and the typed sequence's messages.

english! {
    Exercises {
        // The three-neuron layer (lesson::three_neurons): what a screen reader says for a box.
        /// An input box of X0 or X1: `{name}` is the tensor's name, `{row}` the instance, `{col}`
        /// the input.
        tn_label_x: "{name}, instance {row}, input {col}",
        /// A box of the input weights: from input `{row}` to neuron `{col}`.
        tn_label_wx: "Wx, input {row} to neuron {col}",
        /// A box of the recurrent weights: from neuron `{row}` to neuron `{col}`.
        tn_label_wy: "Wy, neuron {row} to neuron {col}",
        /// A box of the bias.
        tn_label_b: "b, neuron {col}",
        // A box's message (shown after the box's label and a colon).
        /// `{value}`: the number typed; `{max}`: the largest magnitude allowed (1000).
        tn_too_large: "{value} is too large: use a number between -{max} and {max}",
        /// An infinite or undefined number was given.
        tn_out_of_range: "use a number between -{max} and {max}",
        tn_empty: "empty: type a number, e.g. 0.5",
        /// `{text}`: what was typed, in double quotes.
        tn_not_a_number: "{text} is not a number: type e.g. 0.5 or -2",
        /// A size out of range: `{what}` is one of the three below, `{max}` the largest size, `{n}`
        /// the size asked for.
        tn_dim: "{what} must be 1 to {max}, not {n}",
        tn_dim_batch: "the batch",
        tn_dim_inputs: "the number of inputs",
        tn_dim_neurons: "the number of neurons",
        /// A tensor given with the wrong number of values: `{name}` is the tensor (`Wx`), `{n}`
        /// the number of values given.
        tn_shape_values: "{name} needs {rows}×{cols} values, got {n}",

        // What a recurrent layer reads (lesson::input_format): notes on what was left out.
        /// `{max}`: how many characters are read.
        if_note_chars: "Only the first {max} characters are read.",
        /// `{n}`: the line's number, from 1.
        if_note_no_words: "Line {n} has no words once punctuation is removed: skipped.",
        /// `{max}`: how many sentences are shown.
        if_note_sentences: "Only the first {max} sentences are shown.",
        /// `{n}`: the line's number, from 1; `{max}`: how many words are kept.
        if_note_cut: "Line {n} is cut to its first {max} words.",
        // Why there is nothing to show.
        if_empty: "Type a sentence or two, one per line, to see them as a [batch, time] tensor.",
        if_no_words: "None of these lines has a word once punctuation is removed: type a sentence with words.",
        /// `{n}`: the vocabulary size asked for.
        if_max_tokens: "the vocabulary must keep at least 2 entries (padding and [UNK]), not {n}",
        /// How the vocabulary table names token 0.
        if_padding_token: "(padding)",

        // A typed sequence refused (data::series), shown beside its text box. `{token}` is the
        // text of the number as typed, `{position}` its place in the sequence (from 1).
        seq_empty: "Type some numbers, separated by commas or spaces, e.g. 1, 2, 3, 4, 5, 6.",
        seq_not_a_number: "“{token}” (number {position}) is not a number. Use digits, a decimal point and an optional minus sign, e.g. -0.75.",
        seq_not_finite: "“{token}” (number {position}) is not a finite number; NaN and infinity cannot be learned.",
        /// `{max}`: the largest magnitude (`1e15`).
        seq_too_large: "“{token}” (number {position}) is too large for the engine's 32-bit arithmetic: use numbers between -{max} and {max} (rescale the data, e.g. in thousands).",
        /// One number typed; `{min}`: how many are needed.
        seq_too_few_one: "{count} number is too few: type at least {min} so there is something to learn and something to predict.",
        /// `{count}` numbers typed (not one); `{min}`: how many are needed.
        seq_too_few_other: "{count} numbers is too few: type at least {min} so there is something to learn and something to predict.",
        /// `{max}`: how many numbers fit.
        seq_too_many: "{count} numbers is too many: at most {max} fit in the playground.",
        /// `{value}`: the one value every number has.
        seq_constant: "All numbers are equal ({value}); there is no pattern to learn. Type a sequence that changes.",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
