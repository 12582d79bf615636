//! The page ⇄ worker messages survive their trip intact (serde-wasm-bindgen in the browser).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::lesson::SeriesLesson;
use unroll::protocol::{Command, Event, LossPoint, NewsEvent, SeriesEvent, Weights};
use unroll::settings::Settings;

fn roundtrip<T: serde::Serialize + serde::de::DeserializeOwned>(v: &T) -> T {
    #[cfg(target_arch = "wasm32")]
    return unroll::protocol::from_js(unroll::protocol::to_js(v).unwrap()).unwrap();
    #[cfg(not(target_arch = "wasm32"))]
    return serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap();
}

#[test]
fn commands_roundtrip_with_full_width_seeds() {
    let settings = Settings { seed: u64::MAX, series: "1, 2, 3 — é".into(), ..Settings::default() };
    let bench = Command::Bench {
        config: unroll::bench::BenchConfig {
            name: "sine-rnn".into(),
            samples: 3,
            lengths: vec![1, 2, 3],
            csv: Some("\"1\",\"a\",\"b\"\n".into()),
            profile: true,
            threads: 1,
            backend: unroll::engine::backend::BackendKind::Cpu,
        },
    };
    let restore = Command::Restore { weights: Weights::from_f32(&[0.25, -3.0]), step: 341 };
    for cmd in [Command::Configure { settings }, Command::Train, Command::Pause, Command::Step, Command::Reset, bench, restore] {
        assert_eq!(roundtrip(&cmd), cmd);
    }
}

#[test]
fn events_roundtrip() {
    let mut lesson = SeriesLesson::new(&Settings { units: 4, ..Settings::default() }).unwrap();
    lesson.train_step().unwrap();
    let events = vec![
        Event::Ready { backend: unroll::engine::backend::BackendLabel::cpu(), webgpu: Err("none here".into()) },
        Event::Engine { backend: unroll::engine::backend::BackendLabel::Gpu, reason: "chosen".into() },
        Event::EngineLost { message: "lost".into() },
        SeriesEvent::Configured { info: lesson.info().clone(), settings: lesson.settings.clone() }.into(),
        SeriesEvent::Progress {
            step: 7,
            losses: vec![LossPoint { step: 7, loss: 0.25, grad_norm: 1.0 }],
            steps_per_sec: 12.5,
            running: true,
            in_flight: 3,
        }
        .into(),
        SeriesEvent::Evaluation(lesson.evaluate().unwrap()).into(),
        SeriesEvent::Diverged { step: 3, message: "too big".into() }.into(),
        Event::Workers { count: 2 },
        Event::Snapshot { step: 9, weights: Weights::from_f32(&[1.5, -0.0, f32::MAX, 1e-40]) },
        Event::Rejected { message: "no".into() },
        Event::Error { message: "oops".into() },
    ];
    for ev in events {
        assert_eq!(roundtrip(&ev), ev);
    }
}

/// Non-finite numbers (a diverged loss) cross the worker boundary as numbers, not errors.
#[cfg(target_arch = "wasm32")]
#[test]
fn non_finite_losses_cross_the_boundary() {
    let ev: Event = SeriesEvent::Progress {
        step: 1,
        losses: vec![LossPoint { step: 1, loss: f32::NAN, grad_norm: 1.0 }, LossPoint { step: 2, loss: f32::INFINITY, grad_norm: 1.0 }],
        steps_per_sec: 0.0,
        running: false,
        in_flight: 0,
    }
    .into();
    match roundtrip(&ev) {
        Event::Series { event: SeriesEvent::Progress { losses, .. } } => assert!(losses[0].loss.is_nan() && losses[1].loss.is_infinite()),
        other => panic!("{other:?}"),
    }
}

/// The news lesson's messages: an uploaded file's bytes (a `Uint8Array` in the browser), the data
/// summary with its skipped rows, progress with optional fields, a test evaluation and a reading.
#[test]
fn news_messages_roundtrip() {
    use unroll::lesson::news::{NewsData, NewsLesson};
    use unroll::protocol::{BatchPoint, DataSource, Reader};
    let bytes: Vec<u8> = (0..=255).collect();
    for source in [
        DataSource::Bundled,
        DataSource::Url { url: "https://example.org/a.csv".into() },
        DataSource::Upload { name: "é.csv".into(), bytes },
    ] {
        let cmd = Command::LoadNews { source };
        assert_eq!(roundtrip(&cmd), cmd);
    }
    for cmd in [Command::SaveModel, Command::OpenModel { name: "é.json".into(), bytes: vec![0, 255, 7] }] {
        assert_eq!(roundtrip(&cmd), cmd);
    }
    for cmd in [Command::LoadPretrained, Command::CancelLoad, Command::Read { text: "Stocks fall".into(), reader: Reader::Trained }] {
        assert_eq!(roundtrip(&cmd), cmd);
    }
    let csv = b"label,text\nfruit,apple pie\ncar,red car\nfruit,ripe apple\ncar,fast car\nbad row\n".to_vec();
    let (data, summary) = unroll::lesson::news_source::user_file("mine.csv", csv).unwrap();
    let settings =
        Settings { task: unroll::settings::Task::Agnews, units: 2, embed_dim: 2, vocab: 20, val_share: 0.0, ..Settings::default() };
    let mut lesson = NewsLesson::new(&settings, &NewsData { test: data.train.clone(), ..data }).unwrap();
    let progress = lesson.train_batch().unwrap();
    let events: Vec<NewsEvent> = vec![
        NewsEvent::DataLoading { what: "AG News".into(), loaded: 10, total: None },
        NewsEvent::DataLoaded { summary },
        NewsEvent::DataRejected { message: "no".into() },
        NewsEvent::UploadWanted { name: "theirs.csv".into() },
        NewsEvent::Configured { info: lesson.info().clone(), settings: settings.clone() },
        NewsEvent::Progress {
            progress: Some(progress.clone()),
            points: vec![BatchPoint { x: 0.5, loss: 1.0, accuracy: 0.5, grad_norm: 1.0 }],
            epoch_ends: progress.epoch_end.clone().into_iter().collect(),
            samples_per_sec: 10.0,
            seconds_left: Some(3.0),
            running: true,
            in_flight: 2,
        },
        NewsEvent::Progress {
            progress: None,
            points: vec![],
            epoch_ends: vec![],
            samples_per_sec: 0.0,
            seconds_left: None,
            running: false,
            in_flight: 0,
        },
        NewsEvent::Diverged { message: "not finite".into() },
        NewsEvent::Tested { evaluation: lesson.evaluate_test(5), at_epoch: 1.0, kept_epoch: Some(1) },
        NewsEvent::PretrainedReady { model: "m".into(), about: None, classes: vec!["a".into()], file: None },
        NewsEvent::PretrainedReady { model: "m".into(), about: Some("x".into()), classes: vec![], file: Some("mine.json".into()) },
        NewsEvent::ModelSaved { name: "m.json".into(), json: "{}".into() },
        NewsEvent::ModelRefused { message: "no".into() },
        NewsEvent::Reading {
            text: "red car".into(),
            reader: Reader::Trained,
            classes: vec!["car".into(), "fruit".into()],
            reading: lesson.read("red car"),
        },
    ];
    for ev in events {
        let ev = Event::from(ev);
        assert_eq!(roundtrip(&ev), ev);
    }
}

/// Weights cross the boundary as bytes and come back as the very same floats.
#[test]
fn weights_travel_as_bytes_bit_for_bit() {
    let values = [0.0f32, -0.0, 1.0, -2.5e-39, f32::MIN_POSITIVE, f32::MAX, std::f32::consts::PI];
    let w = Weights::from_f32(&values);
    assert_eq!((w.len(), w.0.len()), (7, 28));
    let back = w.to_f32();
    assert_eq!(back.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), values.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
    assert!(Weights::default().is_empty());
}
