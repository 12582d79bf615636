//! The Keras code of a lesson's model, to copy into a notebook: the same layers, shapes,
//! initial-state conventions and optimiser settings, so `model.summary()` there prints the
//! parameter counts the page shows.

use crate::engine::cells::{Activation, CellKind};
use crate::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use crate::engine::train::OptimizerSpec;
use crate::settings::{Settings, TextFields, Training};

fn float(v: f32) -> String {
    let s = format!("{v}");
    if s.contains('.') || s.contains('e') {
        s
    } else {
        format!("{s}.0")
    }
}

/// `layers.LSTM(32, return_sequences=True)` and friends.
fn recurrent(l: &RecurrentSpec, return_sequences: bool) -> String {
    let mut args = vec![l.units.to_string()];
    let class = match l.cell {
        CellKind::SimpleRnn { activation } => {
            if activation != Activation::Tanh {
                args.push(format!("activation=\"{}\"", activation.name()));
            }
            "SimpleRNN"
        }
        CellKind::Lstm { .. } => "LSTM",
        CellKind::Gru { reset_after } => {
            if !reset_after {
                args.push("reset_after=False".into());
            }
            "GRU"
        }
    };
    if l.dropout > 0.0 {
        args.push(format!("dropout={}", float(l.dropout)));
    }
    if l.recurrent_dropout > 0.0 {
        args.push(format!("recurrent_dropout={}", float(l.recurrent_dropout)));
    }
    if return_sequences {
        args.push("return_sequences=True".into());
    }
    let inner = format!("layers.{class}({})", args.join(", "));
    match l.bidirectional {
        None => inner,
        Some(Merge::Concat) => format!("layers.Bidirectional({inner})"),
        Some(m) => format!("layers.Bidirectional({inner}, merge_mode=\"{}\")", merge_name(m)),
    }
}

fn merge_name(m: Merge) -> &'static str {
    match m {
        Merge::Concat => "concat",
        Merge::Sum => "sum",
        Merge::Ave => "ave",
        Merge::Mul => "mul",
    }
}

fn optimizer(o: &OptimizerSpec, clip: f32) -> String {
    let clip = if clip > 0.0 { format!(", global_clipnorm={}", float(clip)) } else { String::new() };
    match *o {
        OptimizerSpec::Adam { lr, amsgrad, .. } => {
            let ams = if amsgrad { ", amsgrad=True" } else { "" };
            format!("keras.optimizers.Adam(learning_rate={}{ams}{clip})", float(lr))
        }
        OptimizerSpec::Sgd { lr, momentum, nesterov } => {
            let m = if momentum > 0.0 { format!(", momentum={}", float(momentum)) } else { String::new() };
            let n = if nesterov { ", nesterov=True" } else { "" };
            format!("keras.optimizers.SGD(learning_rate={}{m}{n}{clip})", float(lr))
        }
        OptimizerSpec::RmsProp { lr, momentum, .. } => {
            let m = if momentum > 0.0 { format!(", momentum={}", float(momentum)) } else { String::new() };
            format!("keras.optimizers.RMSprop(learning_rate={}{m}{clip})", float(lr))
        }
    }
}

/// The Keras code for `spec` trained with `settings`, for inputs of `time` steps (`None`: any).
pub fn keras_code(spec: &ModelSpec, settings: &Settings, time: Option<usize>) -> String {
    let t = time.map_or("None".to_string(), |t| t.to_string());
    let mut out = String::from("import keras\nfrom keras import layers\n\n");
    let mut stack = Vec::new();
    match spec.input {
        InputSpec::Values { features } => stack.push(format!("keras.Input(shape=({t}, {features}))")),
        InputSpec::Tokens { vocab, dim, mask_zero } => {
            let length = if settings.max_len > 0 { format!(", output_sequence_length={}", settings.max_len) } else { String::new() };
            let text = match settings.text {
                TextFields::Title => "the title",
                TextFields::Both => "the title + \" \" + the description",
            };
            out += &format!(
                "# Texts ({text}) to token ids: 0 is padding, 1 out-of-vocabulary.\nvectorize = layers.TextVectorization(max_tokens={vocab}{length})\nvectorize.adapt(train_texts)\n\n"
            );
            stack.push(format!("keras.Input(shape=({t},), dtype=\"int64\")"));
            let mask = if mask_zero { ", mask_zero=True" } else { "" };
            stack.push(format!("layers.Embedding({vocab}, {dim}{mask})"));
        }
    }
    let n = spec.layers.len();
    for (k, l) in spec.layers.iter().enumerate() {
        stack.push(recurrent(l, k + 1 < n || spec.return_sequences));
    }
    let peephole = spec.layers.iter().any(|l| l.cell.has_peepholes());
    match spec.loss {
        LossKind::Mse => stack.push(format!(
            "layers.Dense({}),{}",
            spec.dense_units,
            if spec.return_sequences { "  # one prediction per step" } else { "" }
        )),
        LossKind::SparseCategoricalCrossentropy => stack.push(format!("layers.Dense({}),  # logits, one per class", spec.dense_units)),
    }
    out += "model = keras.Sequential([\n";
    for s in &stack {
        // The last entry carries its own comma, before its comment.
        let comma = if s.starts_with("layers.Dense") { "" } else { "," };
        out += &format!("    {s}{comma}\n");
    }
    out += "])\n";
    let (loss, metrics) = match spec.loss {
        LossKind::Mse => ("\"mse\"".to_string(), String::new()),
        LossKind::SparseCategoricalCrossentropy => {
            ("keras.losses.SparseCategoricalCrossentropy(from_logits=True)".to_string(), ", metrics=[\"accuracy\"]".to_string())
        }
    };
    out += &format!("model.compile(optimizer={}, loss={loss}{metrics})\n", optimizer(&settings.optimizer_spec(), settings.clip_norm));
    out += "model.summary()\n";
    if spec.input.is_values() && settings.training == Training::Free {
        let which = match settings.free_steps {
            0 => "the last third of each window's steps".to_string(),
            k => format!("the last {k} steps of each window (at most all but the first)"),
        };
        out += &format!(
            "\n# Unroll trains this model free-running: {which} read the model's own\n# predictions, and the gradient flows back through them. Keras's fit() always feeds the true\n# values (teacher forcing, the course's recipe); free-running training needs a custom training\n# loop (tf.GradientTape).\n"
        );
    }
    if spec.input.is_values() && spec.return_sequences && settings.warmup > 0 {
        let w = settings.warmup;
        out += &format!(
            "\n# The first {w} steps of each window are left out of the loss (Unroll's warm-up; at most\n# all but the last): a weight per step, 0 for them and 1 after, given to fit():\n# weights = np.ones(y_train.shape[:2]); weights[:, :{w}] = 0\n# model.fit(x_train, y_train, sample_weight=weights, ...)\n# (Keras then divides by every step, Unroll by the scored ones: the same direction, and with\n# Adam the same steps.)\n"
        );
    }
    if peephole {
        out += "\n# This model's LSTM has peephole connections, which Keras's LSTM does not have (TensorFlow 2's\n# tf.keras.experimental.PeepholeLSTMCell did): the code above builds it without them.\n";
    }
    out
}
