//! Series model files in the sine and typed lessons: a model saved with its settings opens as the
//! same experiment around the same weights; a file without settings (the command line's) takes
//! the open lesson's with its stack; a file the series lessons cannot hold is refused by name.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::i18n::{set_lang, Lang};
use unroll::lesson::SeriesLesson;
use unroll::model_file::ModelFile;
use unroll::settings::{Cell, Settings, Task};

fn trained(settings: &Settings, steps: usize) -> SeriesLesson {
    let mut lesson = SeriesLesson::new(settings).unwrap();
    for _ in 0..steps {
        lesson.train_step().unwrap();
    }
    lesson
}

fn reopened(file: &ModelFile, base: &Settings) -> Result<SeriesLesson, String> {
    let file = ModelFile::parse(&file.to_json()).map_err(|e| e.to_string())?;
    let from = file.to_model().map_err(|e| e.to_string())?;
    SeriesLesson::from_file(base, &file, from).map_err(|e| e.to_string())
}

#[test]
fn a_saved_series_model_opens_as_the_same_experiment_with_the_same_weights() {
    let typed = Settings {
        task: Task::Typed,
        series: "1, 2, 4, 3, 5, 6, 8, 7, 9, 10, 12, 11, 13, 14, 16, 15, 17, 18, 20, 19".into(),
        cell: Cell::Gru,
        units: 6,
        layers: 2,
        seq_len: 6,
        dropout: 0.1,
        ..Settings::default()
    };
    let mut saved = trained(&typed, 30);
    let file = saved.to_file();
    assert!(file.settings.as_deref().is_some_and(|q| q.contains("task=typed")), "{:?}", file.settings);
    assert!(file.about.as_deref().is_some_and(|a| a.contains("30 steps")), "{:?}", file.about);
    // Opened from the sine lesson at its defaults: the file's experiment comes back.
    let mut opened = reopened(&file, &Settings::default()).unwrap();
    assert_eq!(opened.settings, typed);
    assert_eq!(opened.model().params.values, saved.model().params.values);
    let (a, b) = (saved.evaluate().unwrap(), opened.evaluate().unwrap());
    assert_eq!((a.heldout_mse, &a.gen_pred), (b.heldout_mse, &b.gen_pred), "the same predictions and generation");
    // And it trains on from there.
    let first = opened.train_step().unwrap().stats.loss;
    assert!(first.is_finite());
}

#[test]
fn a_file_without_settings_takes_the_open_lessons_with_its_stack() {
    let made = Settings { cell: Cell::Lstm, units: 5, peephole: true, seq_len: 12, ..Settings::default() };
    let lesson = trained(&made, 5);
    // What `unroll train --save` writes: the model alone.
    let file = ModelFile::from_model(&lesson.model(), false);
    let base = Settings { seq_len: 20, lr: 0.01, ..Settings::default() };
    let opened = reopened(&file, &base).unwrap();
    let s = &opened.settings;
    assert_eq!((s.cell, s.units, s.layers, s.peephole), (Cell::Lstm, 5, 1, true), "the file's stack");
    assert_eq!((s.seq_len, s.lr), (20, 0.01), "the open lesson's data and recipe");
    assert_eq!(opened.model().params.values, lesson.model().params.values);
}

#[test]
fn a_file_the_series_lessons_cannot_hold_is_refused_by_name() {
    use unroll::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
    use unroll::engine::{cells::CellKind, Model};
    let file_of = |spec: ModelSpec| ModelFile::from_model(&Model::new(spec, 1).unwrap(), false);
    let series = |layers: Vec<RecurrentSpec>| ModelSpec {
        input: InputSpec::Values { features: 1 },
        layers,
        return_sequences: true,
        dense_units: 1,
        loss: LossKind::Mse,
    };
    let gru = |units| RecurrentSpec::new(CellKind::Gru { reset_after: true }, units, None);
    let headlines = file_of(ModelSpec {
        input: InputSpec::Tokens { vocab: 20, dim: 4, mask_zero: true },
        layers: vec![gru(4)],
        return_sequences: false,
        dense_units: 3,
        loss: LossKind::SparseCategoricalCrossentropy,
    });
    let cases = [
        (headlines, "it reads texts (a headline model): open it in the news lesson"),
        (file_of(series(vec![RecurrentSpec::new(CellKind::Gru { reset_after: true }, 4, Some(Merge::Concat))])), "bidirectional"),
        (file_of(series(vec![gru(4), gru(6)])), "its recurrent layers differ from one another"),
        (file_of(series(vec![RecurrentSpec::new(CellKind::Gru { reset_after: false }, 4, None)])), "reset_after=False"),
        (file_of(series(vec![gru(513)])), "units: must be between 1 and 512, got 513"),
        (file_of(ModelSpec { dense_units: 2, ..series(vec![gru(4)]) }), "does not predict a series value by value"),
    ];
    for (file, why) in &cases {
        let e = reopened(file, &Settings::default()).err().unwrap_or_default();
        assert!(e.starts_with("model: ") && e.contains(why), "{why}: {e}");
    }
    set_lang(Lang::De);
    let e = reopened(&cases[0].0, &Settings::default()).err().unwrap_or_default();
    set_lang(Lang::En);
    assert!(e.contains("Öffnen Sie es in der Lektion Schlagzeilen"), "{e}");
}
