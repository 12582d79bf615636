//! The experiment settings: one struct, its URL form, and its checks.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::settings::{Cell, Settings, Task};

#[test]
fn defaults_are_the_courses_model() {
    let s = Settings::default();
    assert_eq!((s.cell, s.units, s.layers, s.seq_len, s.batch), (Cell::Rnn, 100, 1, 30, 32));
    assert_eq!(s.activation.as_str(), "relu");
    assert_eq!((s.lr, s.optimizer.as_str()), (1e-3, "adam"));
    assert_eq!((s.x_min, s.x_max, s.points, s.gen_steps), (0.0, 10.0, 250, 200));
    s.validate().unwrap();
}

#[test]
fn the_url_reproduces_the_settings() {
    let s = Settings {
        cell: Cell::Gru,
        units: 17,
        lr: 0.0025,
        seed: u64::MAX,
        task: Task::Typed,
        series: "1, 2, 3.5 -4 & 5?".into(),
        ..Settings::default()
    };
    let q = s.to_query();
    assert!(q.contains("cell=gru") && q.contains("units=17") && q.contains("seq-len=30"), "{q}");
    let (back, problems) = Settings::from_query(&format!("?{q}"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back, Settings { steps: Settings::default().steps, ..s });
}

#[test]
fn unknown_and_bad_fields_warn_and_fall_back() {
    let (s, problems) = Settings::from_query("cell=transformer&units=0&lr=abc&colour=blue&layers=2&x-min=5&x-max=1");
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, vec!["cell", "units", "lr", "colour", "x-max"], "{problems:?}");
    assert_eq!(s.cell, Cell::Rnn);
    assert_eq!(s.units, 100);
    assert_eq!(s.layers, 2, "good fields still apply");
    assert_eq!((s.x_min, s.x_max), (0.0, 10.0));
    assert!(problems[0].message.contains("rnn, lstm, gru"), "{}", problems[0].message);
    s.validate().unwrap();
}

#[test]
fn set_checks_ranges_and_names_the_field() {
    let mut s = Settings::default();
    let e = s.set("units", "100000").unwrap_err();
    assert_eq!(e.key, "units");
    assert!(e.message.contains("between 1 and 512"), "{}", e.message);
    assert!(s.set("lr", "NaN").is_err());
    assert!(s.set("lr", "inf").is_err());
    assert!(s.set("v", "2").is_err(), "a future version is refused, not misread");
    s.set("clip-norm", "1.5").unwrap();
    assert_eq!(s.clip(), unroll::engine::train::Clipping::GlobalNorm(1.5));
}
