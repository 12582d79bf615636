//! The news lesson on a small made-up data set whose class is given by its words: it learns, it is
//! reproducible, its evaluation adds up, it reads a headline word by word, and bad data is refused.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::lesson::news::{Item, NewsData, NewsLesson};
use unroll::settings::{LrSchedule, Preset, Settings, Task};

pub(crate) const WORDS: [[&str; 4]; 3] =
    [["election", "minister", "treaty", "embassy"], ["goal", "season", "coach", "striker"], ["shares", "profit", "merger", "bank"]];
pub(crate) const FILLER: [&str; 6] = ["the", "a", "today", "new", "report", "says"];

/// Three classes; each text mixes two to nine filler words with one to three of its class's words.
fn data(n: usize, seed: u64) -> Vec<Item> {
    let mut s = seed;
    let mut next = |m: usize| {
        s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((s >> 33) % m as u64) as usize
    };
    (0..n)
        .map(|_| {
            let label = next(3);
            let mut words: Vec<&str> = (0..2 + next(8)).map(|_| FILLER[next(6)]).collect();
            for _ in 0..1 + next(3) {
                let at = next(words.len() + 1);
                words.insert(at, WORDS[label][next(4)]);
            }
            Item { label: label as u32, title: words.join(" "), description: String::new() }
        })
        .collect()
}

pub(crate) fn news_data() -> NewsData {
    NewsData { classes: vec!["Politics".into(), "Sports".into(), "Money".into()], train: data(600, 1), test: data(150, 2) }
}

pub(crate) fn settings(preset: Preset, epochs: usize) -> Settings {
    let mut s = Settings { task: Task::Agnews, ..Settings::default() };
    preset.apply(&mut s);
    // A constant rate: on this tiny set (18 batches an epoch) the presets' cosine decay leaves
    // too few steps at a useful rate (its own test is `a_cosine_schedule_spans_the_whole_run`).
    Settings { units: 8, embed_dim: 8, vocab: 50, epochs, lr: 0.01, lr_schedule: LrSchedule::Constant, ..s }
}

pub(crate) fn train(lesson: &mut NewsLesson) -> Vec<f32> {
    let mut losses = Vec::new();
    loop {
        let p = lesson.train_batch().unwrap();
        losses.push(p.loss);
        if p.done {
            return losses;
        }
    }
}

#[test]
fn it_learns_the_words_of_each_class() {
    for preset in [Preset::Rnn, Preset::Lstm, Preset::Gru] {
        let mut lesson = NewsLesson::new(&settings(preset, 4), &news_data()).unwrap();
        let info = lesson.info().clone();
        assert_eq!((info.train_rows, info.val_rows, info.test_rows), (570, 30, 150));
        assert_eq!(info.vocabulary_size, 2 + 6 + 12, "every word, plus padding and [UNK]");
        train(&mut lesson);
        assert_eq!(lesson.history().len(), 4);
        let eval = lesson.evaluate_test(5);
        assert!(eval.accuracy > 0.95, "{preset}: test accuracy {}", eval.accuracy);
        assert_eq!(eval.confusion.iter().flatten().sum::<u32>(), 150);
        let right: u32 = (0..3).map(|c| eval.confusion[c][c]).sum();
        assert!((eval.accuracy - right as f32 / 150.0).abs() < 1e-6);
        assert!(eval.misses.len() <= 5 && eval.misses.iter().all(|m| m.label != m.predicted));
        let data = news_data();
        assert!(eval.misses.iter().all(|m| m.text == data.test[m.row].title), "the text read comes with each miss");
        for c in 0..3 {
            let present: u32 = eval.confusion[c].iter().sum();
            assert!((eval.recall[c].unwrap() - eval.confusion[c][c] as f32 / present as f32).abs() < 1e-6);
        }
    }
}

#[test]
fn the_same_seed_trains_the_same_way() {
    let run = |seed: u64| {
        let mut lesson = NewsLesson::new(&Settings { seed, ..settings(Preset::Lstm, 2) }, &news_data()).unwrap();
        train(&mut lesson)
    };
    let a = run(3);
    assert_eq!(a, run(3), "bit-identical losses");
    assert_ne!(a, run(4));
}

#[test]
fn restore_best_keeps_the_best_validation_epoch() {
    let mut lesson = NewsLesson::new(&settings(Preset::Rnn, 3), &news_data()).unwrap();
    train(&mut lesson);
    let best = lesson.best_epoch().unwrap();
    let accs: Vec<f32> = lesson.history().iter().map(|r| r.val_accuracy.unwrap()).collect();
    let max = accs.iter().cloned().fold(0.0, f32::max);
    assert_eq!(accs[best - 1], max, "{accs:?}");
}

#[test]
fn reading_a_headline_word_by_word() {
    let mut lesson = NewsLesson::new(&settings(Preset::Gru, 4), &news_data()).unwrap();
    train(&mut lesson);
    let r = lesson.read("The new COACH says: goal! zebra");
    let tokens: Vec<(&str, bool)> = r.tokens.iter().map(|(t, oov)| (t.as_str(), *oov)).collect();
    assert_eq!(tokens, [("the", false), ("new", false), ("coach", false), ("says", false), ("goal", false), ("zebra", true)]);
    assert_eq!(r.probs_after.len(), 6);
    for p in &r.probs_after {
        assert!((p.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    // With masking, the last prefix is the whole text.
    for (a, b) in r.probs_after[5].iter().zip(&r.probs) {
        assert!((a - b).abs() < 1e-5, "{:?} vs {:?}", r.probs_after[5], r.probs);
    }
    assert!(r.probs[1] > 0.8, "a sports headline: {:?}", r.probs);
    assert!(r.probs_after[4][1] > r.probs_after[1][1], "more sure after `coach` and `goal`: {:?}", r.probs_after);
    // Nothing the vectorizer keeps: no tokens, and the answer for an empty (padding) text.
    let r = lesson.read("?!");
    assert!(r.tokens.is_empty() && r.probs_after.is_empty() && r.probs.len() == 3);
}

#[test]
fn bad_data_is_refused_with_a_reason() {
    let mut one = news_data();
    one.classes.truncate(1);
    let err = NewsLesson::new(&settings(Preset::Rnn, 1), &one).unwrap_err().to_string();
    assert!(err.contains("at least 2 classes"), "{err}");
    let mut bad = news_data();
    bad.test[7].label = 3;
    let err = NewsLesson::new(&settings(Preset::Rnn, 1), &bad).unwrap_err().to_string();
    assert!(err.contains("label 3 is out of range for 3 classes"), "{err}");
    let err = NewsLesson::new(&Settings::default(), &news_data()).unwrap_err().to_string();
    assert!(err.contains("task = agnews"), "{err}");
}

#[test]
fn presets_apply_first_and_the_url_keeps_the_news_fields() {
    let (s, problems) = Settings::from_query("units=32&preset=bilstm&task=agnews&mask=false");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((s.preset, s.units, s.layers, s.bidirectional, s.embed_dim, s.mask), (Preset::Bilstm, 32, 2, true, 128, false));
    let q = s.to_query();
    assert!(q.contains("preset=bilstm") && q.contains("units=32") && !q.contains("amplitude") && !q.contains("seq-len"), "{q}");
    let (back, problems) = Settings::from_query(&q);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back, s);
    // The sine lesson's URL carries none of the news fields.
    assert!(!Settings::default().to_query().contains("preset"));
    // The news task without a preset named gets the default preset's model.
    let (s, _) = Settings::from_query("task=agnews");
    assert_eq!((s.preset, s.units, s.activation.as_str()), (Preset::Rnn, 16, "tanh"));
}

/// `data-url` names the news data in a link: empty (AG News, left out of the link), a web address,
/// or an uploaded file's name; anything else is refused. The command line reads folders instead.
#[test]
fn data_urls_in_links() {
    let (s, problems) = Settings::from_query("task=agnews&data-url=https%3A%2F%2Fexample.org%2Fa.csv");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.data_url, "https://example.org/a.csv");
    assert!(s.to_query().contains("data-url=https%3A%2F%2Fexample.org%2Fa.csv"), "{}", s.to_query());
    assert_eq!(Settings::from_query(&s.to_query()).0, s);
    assert!(!Settings { task: Task::Agnews, ..Settings::default() }.to_query().contains("data-url"));
    let (s, problems) = Settings::from_query("task=agnews&data-url=upload%3Amine.csv");
    assert!(problems.is_empty() && s.data_url == "upload:mine.csv", "{problems:?}");
    for bad in ["file%3A%2F%2F%2Fetc%2Fpasswd", "javascript%3Aalert(1)", "news.csv"] {
        let (s, problems) = Settings::from_query(&format!("task=agnews&data-url={bad}"));
        assert_eq!(s.data_url, "", "{bad}");
        assert!(problems[0].message.contains("is not a web address"), "{bad}: {problems:?}");
    }
}

/// Each preset sets its whole recipe, so choosing a notebook model after the tuned one gets the
/// notebook's training back (no dropout, Adam(2e-3) decayed by a cosine, validation share, best
/// epoch kept).
#[test]
fn presets_set_their_training_recipe_too() {
    let mut s = Settings { task: Task::Agnews, ..Settings::default() };
    Preset::GruTuned.apply(&mut s);
    assert_eq!((s.cell.as_str(), s.units, s.dropout, s.recurrent_dropout), ("gru", 128, 0.5, 0.3));
    assert_eq!((s.lr, s.lr_schedule.as_str(), s.epochs, s.val_share, s.average_last), (1.5e-3, "cosine", 4, 0.0, 3));
    Preset::Lstm.apply(&mut s);
    let d = Settings::default();
    assert_eq!((s.cell.as_str(), s.units, s.dropout, s.recurrent_dropout), ("lstm", 8, 0.0, 0.0));
    assert_eq!((s.lr, s.lr_schedule.as_str(), s.epochs, s.val_share, s.average_last), (2e-3, "cosine", d.epochs, d.val_share, 0));
    // A URL's own values still win over the preset's, whatever their order.
    let (s, problems) = Settings::from_query("epochs=6&task=agnews&preset=gru-tuned&dropout=0.4");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((s.preset, s.units, s.epochs, s.dropout, s.recurrent_dropout), (Preset::GruTuned, 128, 6, 0.4, 0.3));
}

/// The pretrained model shipped in public/ (`cargo xtask pretrained`): a bidirectional model with its
/// vectorizer and class names, that reads headlines and classifies AG News's test rows well.
#[cfg(not(target_arch = "wasm32"))]
#[test]
fn the_shipped_pretrained_model_classifies_news() {
    use unroll::data::ag_news;
    use unroll::lesson::news::TextClassifier;
    use unroll::model_file::ModelFile;
    let root = env!("CARGO_MANIFEST_DIR");
    let json = std::fs::read_to_string(format!("{root}/public/models/agnews-bigru.json")).unwrap();
    assert!(json.len() < 3_000_000, "{} bytes", json.len());
    let file = ModelFile::parse(&json).unwrap();
    let mut c = TextClassifier::from_file(&file).unwrap();
    assert_eq!(c.classes, ["World", "Sports", "Business", "Sci/Tech"]);
    assert!(c.model.spec.layers.iter().all(|l| l.bidirectional.is_some()));
    let about = c.about.clone().unwrap();
    let recorded: f32 = about.split("test accuracy ").nth(1).unwrap()[..6].parse().unwrap();
    let (rows, _) = ag_news::read(&std::fs::read(format!("{root}/../shared/data/ag_news/test.csv")).unwrap());
    let rows = &rows[..1000];
    let texts: Vec<String> = rows.iter().map(|r| format!("{} {}", r.title, r.description)).collect();
    let mut right = 0;
    for (chunk, rows) in texts.chunks(100).zip(rows.chunks(100)) {
        let probs = c.classify(&chunk.iter().map(String::as_str).collect::<Vec<_>>());
        right += probs.iter().zip(rows).filter(|(p, r)| (0..4).all(|k| p[k] <= p[r.label as usize])).count();
    }
    let acc = right as f32 / 1000.0;
    assert!((acc - recorded).abs() < 0.03 && acc > 0.85, "accuracy {acc} on the first 1000 test rows; recorded {recorded} on all");
    let r = c.read("Olympic champion wins gold medal in the 100 metres final");
    assert_eq!(r.probs_after.len(), r.tokens.len());
    assert!(r.probs[1] > 0.5, "a sports headline: {:?}", r.probs);
    // Its unrolled chain: the probabilities the reading gives, and the gradients of the loss of
    // the class it is told is true (else of its own answer).
    use unroll::lesson::chain::ChainOutput;
    let text = "Olympic champion wins gold medal in the 100 metres final";
    let told = c.chain(text, Some(2)).unwrap();
    let ChainOutput::Classes { probs, truth, .. } = &told.output else { panic!("{:?}", told.output) };
    assert_eq!((truth, told.loss_of.as_str()), (&Some(2), "the true class (Business)"));
    assert!(probs.iter().zip(&r.probs).all(|(a, b)| (a - b).abs() < 1e-5), "{probs:?} vs {:?}", r.probs);
    let own = c.chain(text, None).unwrap();
    assert_eq!(own.loss_of, "the model's own answer (Sports)");
    let (g_told, g_own) = (told.gradients.unwrap(), own.gradients.unwrap());
    assert!(g_told.loss > g_own.loss, "Business is the less likely class: {} vs {}", g_told.loss, g_own.loss);
}

/// Before training the model is mostly wrong: the misclassified list is full, in file order, and
/// each entry carries the text that was read.
#[test]
fn misclassified_items_come_with_their_text() {
    let data = news_data();
    let mut lesson = NewsLesson::new(&settings(Preset::Lstm, 1), &data).unwrap();
    let eval = lesson.evaluate_test(10);
    assert_eq!(eval.misses.len(), 10, "accuracy {}", eval.accuracy);
    assert!(eval.misses.windows(2).all(|w| w[0].row < w[1].row));
    for m in &eval.misses {
        assert_eq!(m.text, data.test[m.row].title);
        assert_eq!(m.label, data.test[m.row].label);
        assert!((m.probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}

/// `lr-schedule=cosine` decays the learning rate to 0 over all of the run's steps.
#[test]
fn a_cosine_schedule_spans_the_whole_run() {
    use unroll::engine::train::Schedule;
    let s = Settings { lr_schedule: LrSchedule::Cosine, ..settings(Preset::Rnn, 3) };
    let lesson = NewsLesson::new(&s, &news_data()).unwrap();
    let steps = (3 * lesson.info().batches_per_epoch) as u64;
    assert_eq!(lesson.schedule(), Schedule::Cosine { decay_steps: steps, alpha: 0.0 });
    assert_eq!(lesson.schedule().at(0.01, steps), 0.0);
    let (s, problems) = Settings::from_query("task=agnews&lr-schedule=cosine");
    assert!(problems.is_empty() && s.lr_schedule == LrSchedule::Cosine);
    assert_eq!(Settings::default().schedule(10), Schedule::Constant);
}

/// `average-last k` ends with the mean of the last k epochs' end weights (the same run without it
/// shows what those were).
#[test]
fn average_last_averages_the_last_epochs() {
    let plain = Settings { restore_best: false, ..settings(Preset::Gru, 3) };
    let mut twin = NewsLesson::new(&plain, &news_data()).unwrap();
    let mut ends = Vec::new();
    loop {
        let p = twin.train_batch().unwrap();
        if p.epoch_end.is_some() {
            ends.push(twin.backend().weights());
        }
        if p.done {
            break;
        }
    }
    let mut avg = NewsLesson::new(&Settings { average_last: 2, ..plain }, &news_data()).unwrap();
    train(&mut avg);
    let want: Vec<f32> = ends[1].iter().zip(&ends[2]).map(|(a, b)| ((*a as f64 + *b as f64) / 2.0) as f32).collect();
    let got = avg.backend().weights();
    crate::common::assert_close("averaged weights", &got, &want, 1e-7, 1e-6);
    assert_ne!(got, ends[2]);
}

/// The test evaluation done a batch at a time (as the worker does it, between yields) is the one
/// done at once.
#[test]
fn the_test_evaluation_in_slices_is_the_evaluation_at_once() {
    let mut lesson = NewsLesson::new(&settings(Preset::Rnn, 1), &news_data()).unwrap();
    for _ in 0..5 {
        lesson.train_batch().unwrap();
    }
    let whole = lesson.evaluate_test(10);
    let mut job = lesson.begin_test(10);
    let mut slices = 0;
    let sliced = loop {
        slices += 1;
        if let Some(e) = lesson.advance_test(&mut job, 1) {
            break e;
        }
    };
    assert_eq!(sliced, whole);
    assert!(slices >= 1);
    assert_eq!(lesson.advance_test(&mut job, 1), None, "a finished job gives nothing more");
}

/// The unrolled view of a headline: each token labelled (out-of-vocabulary words marked), padding
/// to `max-len` masked, the class probabilities after the last step equal to the classifier's
/// own; a test example carries its true class; bad requests say why.
#[test]
fn a_headline_s_chain_labels_every_token() {
    use unroll::lesson::chain::{ChainOutput, ChainSource};
    let s = Settings { max_len: 12, ..settings(Preset::Lstm, 1) };
    let mut lesson = NewsLesson::new(&s, &news_data()).unwrap();
    let text = "the coach says zebra goal";
    let chain = lesson.chain(&ChainSource::Headline { text: text.into() }).unwrap();
    assert_eq!(chain.trace.time, 12);
    let labels: Vec<(&str, bool)> = chain.steps.iter().map(|s| (s.label.as_str(), s.oov)).collect();
    assert_eq!(labels[..6], [("the", false), ("coach", false), ("says", false), ("zebra", true), ("goal", false), ("", false)]);
    assert_eq!(chain.trace.mask[..6], [1.0, 1.0, 1.0, 1.0, 1.0, 0.0], "padding is masked");
    let ChainOutput::Classes { probs, truth: None, .. } = &chain.output else { panic!("{:?}", chain.output) };
    let read = lesson.read(text);
    assert!(probs.iter().zip(&read.probs).all(|(a, b)| (a - b).abs() < 1e-6), "{probs:?} vs {:?}", read.probs);
    let example = lesson.chain(&ChainSource::TestExample { index: 3 }).unwrap();
    assert!(matches!(example.output, ChainOutput::Classes { truth: Some(_), .. }));
    assert!(example.caption.contains("test example 4 of 150"), "{}", example.caption);
    assert!(example.loss_of.starts_with("the true class"), "{}", example.loss_of);
    assert_eq!(example.gradients.as_ref().map(|g| g.layers[0][0].h.len()), Some(example.trace.time));
    assert!(chain.loss_of.starts_with("the model's own answer"), "{}", chain.loss_of);
    let err = lesson.chain(&ChainSource::TestExample { index: 150 }).unwrap_err().to_string();
    assert!(err.contains("150 test examples"), "{err}");
    let err = lesson.chain(&ChainSource::Headline { text: "  ".into() }).unwrap_err().to_string();
    assert!(err.contains("at least one word"), "{err}");
}

/// A saved model trained further: its architecture becomes the settings, training starts where
/// it stopped (not from fresh weights), and what the page cannot train is refused by name.
#[test]
fn a_model_file_is_trained_further_from_its_weights() {
    use unroll::engine::cells::CellKind;
    use unroll::model_file::ModelFile;
    use unroll::settings::Cell;
    let data = news_data();
    let mut first = NewsLesson::new(&settings(Preset::Lstm, 3), &data).unwrap();
    let trained = train(&mut first);
    let file = ModelFile::parse(&first.to_file().to_json()).unwrap();
    // The base settings ask for another model: the file's architecture wins, the rest stays.
    let base = Settings { epochs: 1, ..settings(Preset::Gru, 1) };
    let mut further = NewsLesson::further(&base, &data, &file, "mine.json").unwrap();
    let s = further.settings().clone();
    assert_eq!((s.cell, s.units, s.layers, s.embed_dim, s.vocab), (Cell::Lstm, 8, first.settings().layers, 8, 50));
    assert_eq!(s.epochs, 1);
    assert_eq!(further.info().started_from.as_deref(), Some("mine.json"));
    let text = "the striker scores a goal";
    assert_eq!(further.read(text).probs, first.read(text).probs, "the same weights read the same");
    let (a, b) = (first.evaluate_test(0), further.evaluate_test(0));
    assert_eq!((a.loss, a.accuracy), (b.loss, b.accuracy), "the same test figures");
    // Its first batch's loss is far below a fresh start's (the file holds the best epoch's
    // weights, restored at the end, not necessarily the last epoch's).
    let first_loss = |lesson: &mut NewsLesson| lesson.train_batch().unwrap().batch_loss;
    let (went_on, fresh) =
        (first_loss(&mut further), first_loss(&mut NewsLesson::new(&Settings { epochs: 1, ..settings(Preset::Lstm, 1) }, &data).unwrap()));
    assert!(went_on < 0.8 * fresh, "first loss {went_on}, fresh {fresh}");
    assert!(trained.len() > 1);

    // What the page cannot train: named, nothing built.
    let four = NewsData { classes: vec!["a".into(), "b".into(), "c".into(), "d".into()], ..news_data() };
    let err = NewsLesson::further(&base, &four, &file, "mine.json").err().unwrap().to_string();
    assert!(err.contains("it sorts into 3 classes, and the data has 4"), "{err}");
    let mut old_gru = file.clone();
    for l in &mut old_gru.model.layers {
        l.cell = CellKind::Gru { reset_after: false };
    }
    let err = NewsLesson::further(&base, &data, &old_gru, "old.json").err().unwrap().to_string();
    assert!(err.contains("reset_after=False"), "{err}");
    let mut series = file.clone();
    series.vectorizer = None;
    assert!(NewsLesson::further(&base, &data, &series, "s.json").err().unwrap().to_string().contains("no text vectorizer"));
}
