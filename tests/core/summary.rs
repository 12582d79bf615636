//! `model.summary()` like Keras: names, output shapes, parameter counts.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::Merge;
use unroll::engine::Model;

use crate::common::*;

#[test]
fn the_course_notebook_model() {
    let spec = cls_model(20_000, 64, true, vec![layer(CellKind::SimpleRnn { activation: Activation::Tanh }, 16, None)], 4);
    let s = spec.summary(None);
    let rows: Vec<(&str, &str, &str, usize)> =
        s.rows.iter().map(|r| (r.name.as_str(), r.kind.as_str(), r.output_shape.as_str(), r.params)).collect();
    assert_eq!(
        rows,
        vec![
            ("embedding", "Embedding", "(None, None, 64)", 1_280_000),
            ("simple_rnn", "SimpleRNN", "(None, 16)", 1_296),
            ("dense", "Dense", "(None, 4)", 68),
        ]
    );
    assert_eq!(s.total, 1_281_364);
    let text = s.to_string();
    assert!(text.contains("│ simple_rnn (SimpleRNN)          │ (None, 16)             │         1,296 │"), "{text}");
    assert!(text.contains(" Total params: 1,281,364 (4.89 MB)"), "{text}");
    assert_eq!(Model::new(spec, 0).unwrap().param_count(), s.total);
}

#[test]
fn the_course_bidirectional_stack() {
    let lstm = CellKind::Lstm { peephole: false };
    let spec = cls_model(20_000, 128, true, vec![layer(lstm, 64, Some(Merge::Concat)), layer(lstm, 64, Some(Merge::Concat))], 4);
    let s = spec.summary(Some(50));
    let rows: Vec<(&str, &str, usize)> = s.rows.iter().map(|r| (r.name.as_str(), r.output_shape.as_str(), r.params)).collect();
    assert_eq!(
        rows,
        vec![
            ("embedding", "(None, 50, 128)", 2_560_000),
            ("bidirectional", "(None, 50, 128)", 98_816),
            ("bidirectional_1", "(None, 128)", 98_816),
            ("dense", "(None, 4)", 516),
        ]
    );
    assert_eq!(Model::new(spec, 0).unwrap().param_count(), s.total);
}

#[test]
fn every_layer_kind_counts_like_the_model() {
    for cell in all_cells() {
        for merge in [None, Some(Merge::Sum), Some(Merge::Concat)] {
            let spec = seq_model(3, vec![layer(cell, 5, merge), layer(CellKind::Gru { reset_after: false }, 4, None)], 2);
            let s = spec.summary(Some(7));
            assert_eq!(Model::new(spec.clone(), 0).unwrap().param_count(), s.total, "{cell:?} {merge:?}");
            let first_is_gru = merge.is_none() && matches!(cell, CellKind::Gru { .. });
            let want = if first_is_gru { "gru_1" } else { "gru" };
            assert_eq!(s.rows[1].name, want, "Keras numbers names per class: {:?}", s.rows);
            assert_eq!(s.rows.last().unwrap().output_shape, "(None, 7, 2)");
        }
    }
}

/// The Keras code beside the summary builds the same model: the sine lesson's and a masked,
/// bidirectional, stacked news model, whole.
#[test]
fn keras_code_for_the_lessons_models() {
    use unroll::engine::cells::{Activation, CellKind};
    use unroll::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
    use unroll::lesson::keras_code::keras_code;
    use unroll::settings::{Settings, Task};
    let sine = ModelSpec {
        input: InputSpec::Values { features: 1 },
        layers: vec![RecurrentSpec::new(CellKind::SimpleRnn { activation: Activation::Relu }, 100, None)],
        return_sequences: true,
        dense_units: 1,
        loss: LossKind::Mse,
    };
    // Teacher forcing is Keras's fit(); free-running training says what Keras lacks, and the
    // page's warm-up (its default) how to give fit() the same loss.
    let s = Settings { warmup: 0, amsgrad: false, ..Settings::default() };
    let free = keras_code(&sine, &Settings { training: unroll::settings::Training::Free, ..s.clone() }, Some(30));
    assert!(free.contains("free-running: the last third of each window's steps") && free.contains("needs a custom training"), "{free}");
    let warm = keras_code(&sine, &Settings::default(), Some(30));
    assert!(warm.contains("keras.optimizers.Adam(learning_rate=0.001, amsgrad=True)"), "{warm}");
    assert!(
        warm.contains("# weights = np.ones(y_train.shape[:2]); weights[:, :15] = 0\n# model.fit(x_train, y_train, sample_weight=weights"),
        "{warm}"
    );
    assert_eq!(
        keras_code(&sine, &s, Some(30)),
        "import keras\nfrom keras import layers\n\nmodel = keras.Sequential([\n    keras.Input(shape=(30, 1)),\n    \
         layers.SimpleRNN(100, activation=\"relu\", return_sequences=True),\n    layers.Dense(1),  # one prediction per step\n])\n\
         model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001), loss=\"mse\")\nmodel.summary()\n"
    );
    let gru = RecurrentSpec { dropout: 0.25, ..RecurrentSpec::new(CellKind::Gru { reset_after: true }, 32, Some(Merge::Concat)) };
    let news = ModelSpec {
        input: InputSpec::Tokens { vocab: 20000, dim: 64, mask_zero: true },
        layers: vec![gru.clone(), RecurrentSpec { bidirectional: Some(Merge::Sum), ..gru }],
        return_sequences: false,
        dense_units: 4,
        loss: LossKind::SparseCategoricalCrossentropy,
    };
    let s = Settings { task: Task::Agnews, max_len: 40, clip_norm: 1.0, ..Settings::default() };
    let code = keras_code(&news, &s, None);
    let lines: Vec<&str> = code.lines().collect();
    assert!(lines.contains(&"vectorize = layers.TextVectorization(max_tokens=20000, output_sequence_length=40)"), "{code}");
    assert!(lines.contains(&"    layers.Embedding(20000, 64, mask_zero=True),"), "{code}");
    assert!(lines.contains(&"    layers.Bidirectional(layers.GRU(32, dropout=0.25, return_sequences=True)),"), "{code}");
    assert!(lines.contains(&"    layers.Bidirectional(layers.GRU(32, dropout=0.25), merge_mode=\"sum\"),"), "{code}");
    assert!(lines.contains(&"    layers.Dense(4),  # logits, one per class"), "{code}");
    assert!(code.contains("global_clipnorm=1.0") && code.contains("from_logits=True") && code.contains("metrics=[\"accuracy\"]"), "{code}");
}
