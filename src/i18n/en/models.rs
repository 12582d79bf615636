//! The model files' messages: a file refused, naming the layer and the shape, and the engine's refusals of a model's structure.

english! {
    Models {
        // ModelFileError (model_file): what is wrong with a model file. `{layer}` names a layer
        // and its kind as written for messages (`` layer `rnn1` (GRU) ``), `{name}` a weight
        // (`rnn1.kernel`), shapes are written as `[16, 4]`.
        /// Not JSON, or not the file's structure: `{why}` is the JSON reader's (English) reason.
        not_model_file: "not a model file: {why}",
        /// The reason of `not_model_file` when the version is missing or not understood:
        /// `{version}` is `None` or `Some(0)`.
        unsupported_version: "unsupported version {version}",
        /// `{format}`: the file's `format` field; `{expected}`: `unroll-model`.
        not_unroll_file: "not an Unroll model file (format is `{format}`, expected `{expected}`)",
        /// The `{format}` of `not_unroll_file` when the file has none.
        format_missing: "missing",
        /// `{version}`: the file's format version; `{ours}`: the one this Unroll writes.
        newer_version: "model file version {version} is newer than this Unroll understands (version {ours}); update Unroll",
        /// `{got}`: the weight's shape in the file; `{expected}`: the one the model needs.
        weight_shape: "{layer}: weight `{name}` has shape {got} in the file, but the model needs {expected}",
        /// `{expected}`: the shape the model needs.
        weight_missing: "{layer}: weight `{name}` is missing from the file (expected shape {expected})",
        /// A weight the model has no place for.
        weight_unexpected: "weight `{name}` is in the file but not in the model",
        /// A weight's values that cannot be read: `{problem}` is one of the `data_*` texts below.
        weight_data: "{layer}: weight `{name}` {problem}",
        /// `{error}`: the base64 decoder's (English) reason.
        data_base64_invalid: "has invalid base64: {error}",
        /// `{bytes}`: how many bytes the base64 data decodes to.
        data_base64_bytes: "has {bytes} bytes of base64 data, not a whole number of float32 values",
        data_both: "has both `values` and `base64`; keep one",
        data_neither: "has neither `values` nor `base64`",
        /// `{shape}`: the weight's shape; `{n}`: its number of values; `{got}`: how many the file holds.
        data_length: "has shape {shape}, which needs {n} values, but the file holds {got}",
        /// `{index}`: the place (from 0) of the first value that is NaN or infinite.
        data_not_finite: "has value {index} that is not a finite number",
        /// Counted before decoding: `{place}` is `place_values` or `place_base64`,
        /// `{stored}` how many values it holds.
        data_stored: "has shape {shape}, which needs {n} values, but its {place} holds {stored}",
        place_values: "`values`",
        place_base64: "`base64` data",
        // A model too large for the page: `{layer}` claims `{claimed}` (its weights' names and
        // shapes, or `{units} units`), `{count}` its weights, `{total}` with the layers before it,
        // `{max}` the most a file may describe (max_params), `{why}` too_large_why.
        too_large_alone: "{layer} claims {claimed}: {count} weights; a model file may describe at most {max}, {why}",
        too_large_with_before: "{layer} claims {claimed}: {count} weights, {total} with the layers before it; a model file may describe at most {max}, {why}",
        too_large_total_uncounted: "{layer} claims {claimed}: {count} weights, more in all than can be counted; a model file may describe at most {max}",
        too_large_uncounted: "{layer} claims {claimed}: more weights than can be counted; a model file may describe at most {max}",
        /// `{budget}`: the `budget` text.
        too_large_why: "so that training it (weights, gradient and Adam's two moments) fits {budget}",
        /// `{units}`: a recurrent layer's units, too many to count its weights.
        claimed_units: "{units} units",
        /// The most weights a file may describe: `{count}` (`67,108,864`), `{mib}` their MiB.
        max_params: "{count} weights ({mib} MiB of float32)",
        /// The memory a model from a file must fit: `{gib}` GiB.
        budget: "{gib} GiB (the memory the page's engine plans for in its wasm32 worker)",
        /// A forward pass too large: `{what}` is pass_check or pass_vectorizer, `{batch}`
        /// sequences of `{time}` steps, `{needs}` pass_needs_about or pass_needs_uncounted,
        /// `{budget}` the `budget` text.
        pass_too_large: "{what}: {batch} sequence(s) of {time} steps would need {needs}, with the weights; a model file's model must run in {budget}",
        pass_check: "the check",
        /// `{n}`: the length the vectorizer pads every text to.
        pass_vectorizer: "the vectorizer pads every text to {n} tokens: reading one text",
        /// `{bytes}`: like `1.7 GB`.
        pass_needs_about: "about {bytes} of memory",
        pass_needs_uncounted: "more memory than can be counted",
        /// The file's check does not suit the model: `{problem}` is one of the `check_*` texts.
        check_data: "check data: {problem}",
        /// `{shape}`: the check's shape.
        check_token_shape: "shape {shape}: token inputs need [batch, time]",
        /// `{features}`: the model's features per step.
        check_values_shape: "shape {shape}: the model reads {features} feature(s) per step, so [batch, time, {features}]",
        check_no_steps: "shape {shape} has no steps",
        /// `{n}`: the shape's product; `{inputs}`: the number of inputs.
        check_inputs_count: "shape {shape} needs {n} inputs, check.inputs has {inputs}",
        check_inputs_uncounted: "shape {shape} claims more inputs than can be counted; check.inputs has {inputs}",
        /// `{count}`: the recorded outputs; `{shape}`: the outputs the model gives.
        check_outputs_count: "check.outputs has {count} values, the model gives {shape}",
        /// `{what}`: `inputs` or `outputs` (the JSON field); `{index}`: the place from 0.
        check_not_finite: "check.{what}[{index}] is not a finite number",
        /// A token id of the check past the embedding: `{index}` its place, `{value}` it,
        /// `{vocab}` × `{dim}` the table.
        check_token: "layer `embedding` (Embedding): check.inputs[{index}] is {value}, which is not a token id of the table's {vocab} rows (shape [{vocab}, {dim}])",
        /// `{tokens}`: the vectorizer's vocabulary; the embedding is `{rows}` × `{dim}`.
        vocabulary: "layer `embedding`: the vectorizer has {tokens} tokens but the embedding only {rows} rows (shape [{rows}, {dim}])",
        vectorizer_without_tokens: "the file has a text vectorizer, but the model's input is not tokens",
        /// `{names}`: the class names in the file; `{units}`: the model's outputs.
        classes: "layer `dense`: the file names {names} classes but the model has {units} outputs",

        // EngineError (engine::error).
        /// `{name}`: the weight or buffer; `{expected}`, `{got}`: shapes.
        engine_shape: "shape mismatch for `{name}`: expected {expected}, got {got}",
        engine_unknown_param: "the model has no weight named `{name}`",
        /// `{why}`: one of the `spec_*` texts (or an internal reason).
        engine_invalid_model: "invalid model: {why}",
        /// `{why}`: the engine's (English) reason.
        engine_invalid_input: "invalid input: {why}",

        // ModelSpec::validate (engine::model::spec): a model's structure out of the engine's
        // limits. `{max}` is the most units (4096).
        /// `{features}`: the input's features.
        spec_features: "input features must be 1..={max}, got {features}",
        /// `{max_vocab}`: the largest vocabulary; `{vocab}` × `{dim}`: the embedding asked for.
        spec_embedding: "embedding must be 2..={max_vocab} tokens of 1..={max} dimensions, got {vocab} × {dim}",
        /// `{max}`: the most layers (8); `{n}`: the layers asked for.
        spec_layers: "a model needs 1..={max} recurrent layers, got {n}",
        /// `{k}`: the layer's number; `{units}`: its units.
        spec_units: "layer rnn{k}: units must be 1..={max}, got {units}",
        /// `{what}`: `dropout` or `recurrent_dropout` (Keras's names); `{rate}`: the rate.
        spec_rate: "layer rnn{k}: {what} must be at least 0 and below 1, got {rate}",
        /// `{units}`: the Dense layer's units.
        spec_dense: "dense units must be 1..={max}, got {units}",
        spec_per_step: "per-step classification is not supported: use return_sequences = false with cross-entropy",
        spec_classes: "cross-entropy needs at least 2 classes",
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
