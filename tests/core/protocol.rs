//! The page ⇄ worker messages survive their trip intact (serde-wasm-bindgen in the browser).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::lesson::SeriesLesson;
use unroll::protocol::{Command, Event, LossPoint};
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
        },
    };
    for cmd in [Command::Configure { settings }, Command::Train, Command::Pause, Command::Step, Command::Reset, bench] {
        assert_eq!(roundtrip(&cmd), cmd);
    }
}

#[test]
fn events_roundtrip() {
    let mut lesson = SeriesLesson::new(&Settings { units: 4, ..Settings::default() }).unwrap();
    lesson.train_step().unwrap();
    let events = vec![
        Event::Ready { backend: unroll::engine::backend::Backend::current() },
        Event::Configured { info: lesson.info().clone(), settings: lesson.settings.clone() },
        Event::Progress { step: 7, losses: vec![LossPoint { step: 7, loss: 0.25 }], steps_per_sec: 12.5, running: true },
        Event::Evaluation(lesson.evaluate().unwrap()),
        Event::Diverged { step: 3, message: "too big".into() },
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
    let ev = Event::Progress {
        step: 1,
        losses: vec![LossPoint { step: 1, loss: f32::NAN }, LossPoint { step: 2, loss: f32::INFINITY }],
        steps_per_sec: 0.0,
        running: false,
    };
    match roundtrip(&ev) {
        Event::Progress { losses, .. } => assert!(losses[0].loss.is_nan() && losses[1].loss.is_infinite()),
        other => panic!("{other:?}"),
    }
}
