//! The model-file reader: `ModelFile::parse`, then `to_model`, then `verify`, on valid files
//! mutated as bytes and as JSON (shapes, sizes, vocabularies, units and layer counts set to huge
//! values; weight arrays dropped or resized; cell kinds swapped; fields removed or nested deep).
//! The global allocator of this test binary refuses any allocation past the model files' memory
//! budget, so a claim the reader fails to refuse aborts the run at once, loudly, instead of
//! making the test itself allocate gigabytes.

use std::alloc::{GlobalAlloc, Layout, System};

use proptest::prelude::*;
use serde_json::{json, Value};
use unroll::data::text::TextVectorizer;
use unroll::engine::cells::{Activation, CellKind};
use unroll::engine::model::{InputSpec, LossKind, Merge, ModelSpec, RecurrentSpec};
use unroll::engine::{Input, InputData, Model, Workspace};
use unroll::model_file::{Check, ModelFile, MEMORY_BUDGET};

use crate::mutate::{apply, mutation, TOKENS};

/// Fails (`memory allocation of N bytes failed`, an abort) any one allocation past the budget.
struct Guard;

unsafe impl GlobalAlloc for Guard {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() as u64 > MEMORY_BUDGET {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() as u64 > MEMORY_BUDGET {
            return std::ptr::null_mut();
        }
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size as u64 > MEMORY_BUDGET {
            return std::ptr::null_mut();
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GUARD: Guard = Guard;

fn rnn(cell: CellKind, units: usize, bi: Option<Merge>) -> RecurrentSpec {
    RecurrentSpec::new(cell, units, bi)
}

/// A file for `spec`, with a check of `batch` × `time` computed by the engine.
fn file(spec: ModelSpec, binary: bool, batch: usize, time: usize) -> ModelFile {
    let m = Model::new(spec, 7).unwrap();
    let mut f = ModelFile::from_model(&m, binary);
    let (inputs, ids): (Vec<f32>, Vec<u32>) = match m.spec.input {
        InputSpec::Tokens { vocab, .. } => (0..batch * time).map(|i| ((i * 7) % vocab) as f32).map(|v| (v, v as u32)).unzip(),
        InputSpec::Values { features } => ((0..batch * time * features).map(|i| (i as f32 * 0.37).sin()).collect(), vec![]),
    };
    let data = if ids.is_empty() { InputData::Values(&inputs) } else { InputData::Tokens(&ids) };
    let mut ws = Workspace::default();
    m.forward(&Input { batch, time, data, mask: None, feedback: None, loss_from: 0 }, &mut ws).unwrap();
    let shape = match m.spec.input {
        InputSpec::Tokens { .. } => vec![batch, time],
        InputSpec::Values { features } => vec![batch, time, features],
    };
    f.check = Some(Check { inputs, shape, outputs: ws.outputs.clone() });
    f
}

/// Small valid files covering every cell, both inputs, bidirectional merges, a vectorizer,
/// class names, numbers and base64.
fn seeds() -> Vec<Value> {
    let cls = ModelSpec {
        input: InputSpec::Tokens { vocab: 30, dim: 4, mask_zero: true },
        layers: vec![rnn(CellKind::Lstm { peephole: false }, 5, Some(Merge::Concat)), rnn(CellKind::Gru { reset_after: true }, 3, None)],
        return_sequences: false,
        dense_units: 4,
        loss: LossKind::SparseCategoricalCrossentropy,
    };
    let mut a = file(cls, true, 2, 5);
    a.vectorizer = Some(TextVectorizer::adapt(["the cat sat", "the dog ran far"], Some(30), Some(6)).unwrap());
    a.classes = vec!["a".into(), "b".into(), "c".into(), "d".into()];
    a.about = Some("fuzz seed".into());
    let seq = ModelSpec {
        input: InputSpec::Values { features: 2 },
        layers: vec![
            rnn(CellKind::SimpleRnn { activation: Activation::Relu }, 3, None),
            rnn(CellKind::Lstm { peephole: true }, 2, Some(Merge::Ave)),
        ],
        return_sequences: true,
        dense_units: 1,
        loss: LossKind::Mse,
    };
    let b = file(seq, false, 2, 3);
    let gru = ModelSpec {
        input: InputSpec::Tokens { vocab: 12, dim: 3, mask_zero: false },
        layers: vec![
            rnn(CellKind::Gru { reset_after: false }, 2, Some(Merge::Sum)),
            rnn(CellKind::SimpleRnn { activation: Activation::Tanh }, 2, Some(Merge::Mul)),
        ],
        return_sequences: false,
        dense_units: 3,
        loss: LossKind::SparseCategoricalCrossentropy,
    };
    let c = file(gru, false, 1, 4);
    [a, b, c].iter().map(|f| serde_json::from_str(&f.to_json()).unwrap()).collect()
}

/// Sizes a stranger may claim: edges of the engine's limits, of u32 and of u64.
const SIZES: &[u64] = &[
    0,
    1,
    2,
    3,
    4,
    5,
    8,
    64,
    1024,
    4095,
    4096,
    4097,
    65_536,
    1_000_000,
    1 << 22,
    (1 << 22) + 1,
    1 << 31,
    (1 << 32) - 1,
    1 << 32,
    (1 << 63) + 1,
    u64::MAX,
];

/// Numbers for anywhere: sizes, negatives, fractions, beyond float32.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(SIZES).prop_map(|n| json!(n)),
        prop::sample::select(&[-1i64, -4096, i64::MIN][..]).prop_map(|n| json!(n)),
        prop::sample::select(&[0.5, -0.0, 1e30, -1e300, 1e300, 3.5e38, f64::MIN_POSITIVE][..]).prop_map(|x| json!(x)),
        any::<f32>().prop_filter("JSON has no NaN", |x| x.is_finite()).prop_map(|x| json!(x)),
    ]
}

fn cell() -> impl Strategy<Value = Value> {
    prop::sample::select(vec![
        json!({"type": "simple_rnn", "activation": "tanh"}),
        json!({"type": "simple_rnn", "activation": "linear"}),
        json!({"type": "lstm"}),
        json!({"type": "lstm", "peephole": true}),
        json!({"type": "gru", "reset_after": true}),
        json!({"type": "gru", "reset_after": false}),
        json!({"type": "transformer"}),
        json!("lstm"),
    ])
}

/// What replaces a value somewhere in the document.
fn replacement() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => number(),
        1 => Just(Value::Null),
        1 => any::<bool>().prop_map(Value::Bool),
        1 => prop::sample::select(TOKENS).prop_map(|t| json!(t)),
        1 => Just(json!([])),
        1 => Just(json!({})),
        1 => (1usize..300).prop_map(|d| (0..d).fold(json!(1), |v, _| json!([v]))),
        1 => (0usize..40, number()).prop_map(|(n, x)| json!(vec![x; n])),
        1 => "\\PC{0,40}".prop_map(|s: String| json!(s.repeat(50))),
        1 => cell(),
    ]
}

/// Every path in `v` (object keys and array indices), depth first.
fn paths(v: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(here.clone());
    match v {
        Value::Object(m) => {
            for (k, c) in m {
                here.push(json!(k));
                paths(c, here, out);
                here.pop();
            }
        }
        Value::Array(a) => {
            // Long arrays (weights): a few places are enough.
            for (i, c) in a.iter().enumerate().filter(|(i, _)| *i < 3 || *i + 1 == a.len()) {
                here.push(json!(i));
                paths(c, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

fn at<'v>(v: &'v mut Value, path: &[Value]) -> &'v mut Value {
    path.iter().fold(v, |v, p| match p {
        Value::String(k) => &mut v[k.as_str()],
        p => &mut v[p.as_u64().unwrap() as usize],
    })
}

#[derive(Clone, Debug)]
enum Edit {
    /// Replace the value at the `n`-th path.
    Replace(usize, Value),
    /// Remove the `n`-th path's value from its object or array.
    Remove(usize),
    /// Repeat the `n`-th path's value in its array, `times` times.
    Repeat(usize, usize),
    /// Set a size the reader must check.
    Size(&'static str, usize, u64),
    /// Replace layer `k`'s cell.
    Cell(usize, Value),
    /// Repeat the layers until there are `n`.
    Layers(usize),
    /// Cut a weight's stored values (numbers or base64) to `keep` (of 1000ths).
    Shorten(usize, u64),
}

fn edit() -> impl Strategy<Value = Edit> {
    let field = prop::sample::select(vec![
        "/model/input/vocab",
        "/model/input/dim",
        "/model/input/features",
        "/model/layers/K/units",
        "/model/dense_units",
        "/check/shape/K",
        "/vectorizer/output_sequence_length",
        "/vectorizer/max_tokens",
        "/weights/W/shape/K",
        "/version",
    ]);
    prop_oneof![
        3 => (any::<usize>(), replacement()).prop_map(|(n, v)| Edit::Replace(n, v)),
        1 => any::<usize>().prop_map(Edit::Remove),
        1 => (any::<usize>(), prop_oneof![1usize..3, Just(100)]).prop_map(|(n, t)| Edit::Repeat(n, t)),
        8 => (field, any::<usize>(), prop::sample::select(SIZES)).prop_map(|(f, k, s)| Edit::Size(f, k, s)),
        1 => (0usize..9, cell()).prop_map(|(k, c)| Edit::Cell(k, c)),
        1 => (0usize..12).prop_map(Edit::Layers),
        1 => (any::<usize>(), 0u64..1000).prop_map(|(n, k)| Edit::Shorten(n, k)),
    ]
}

fn apply_edit(v: &mut Value, e: &Edit) {
    let mut all = Vec::new();
    paths(v, &mut Vec::new(), &mut all);
    match e {
        Edit::Replace(n, r) => *at(v, &all[n % all.len()]) = r.clone(),
        Edit::Remove(n) => {
            let path = &all[n % all.len()];
            if let Some((last, parent)) = path.split_last() {
                match (at(v, parent), last) {
                    (Value::Object(m), Value::String(k)) => {
                        m.remove(k);
                    }
                    (Value::Array(a), i) => {
                        let i = i.as_u64().unwrap() as usize;
                        if i < a.len() {
                            a.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        Edit::Repeat(n, times) => {
            let path = &all[n % all.len()];
            if let Some((last, parent)) = path.split_last() {
                let item = at(v, path).clone();
                if let (Value::Array(a), Some(i)) = (at(v, parent), last.as_u64()) {
                    for _ in 0..*times {
                        a.insert(i as usize, item.clone());
                    }
                }
            }
        }
        Edit::Size(field, k, size) => {
            let weights: Vec<String> = v["weights"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
            let layers = v["model"]["layers"].as_array().map_or(1, |a| a.len().max(1));
            let pointer = field
                .replace("/K/", &format!("/{}/", k % layers))
                .replace("/K", &format!("/{}", k % 3))
                .replace("/W/", &format!("/{}/", weights.get(k % weights.len().max(1)).cloned().unwrap_or_default()));
            if let Some(x) = v.pointer_mut(&pointer) {
                *x = json!(size);
            }
        }
        Edit::Cell(k, c) => {
            if let Some(l) = v.pointer_mut(&format!("/model/layers/{k}/cell")) {
                *l = c.clone();
            }
        }
        Edit::Layers(n) => {
            if let Some(a) = v.pointer_mut("/model/layers").and_then(Value::as_array_mut) {
                let one = a.first().cloned().unwrap_or(Value::Null);
                a.resize(*n, one);
            }
        }
        Edit::Shorten(n, keep) => {
            if let Some(w) = v.get_mut("weights").and_then(Value::as_object_mut) {
                let len = w.len().max(1);
                if let Some(w) = w.values_mut().nth(n % len) {
                    if let Some(a) = w.get_mut("values").and_then(Value::as_array_mut) {
                        a.truncate(a.len() * *keep as usize / 1000);
                    }
                    if let Some(Value::String(s)) = w.get_mut("base64") {
                        // In characters: an edit before may have put any text there.
                        *s = s.chars().take(s.chars().count() * *keep as usize / 1000).collect();
                    }
                }
            }
        }
    }
}

/// A seed file with JSON edits, then as text with byte mutations.
fn files() -> impl Strategy<Value = String> {
    let seeds = seeds();
    let n = seeds.len();
    (0..n, prop::collection::vec(edit(), 0..5), prop_oneof![3 => Just(vec![]), 1 => prop::collection::vec(mutation(), 1..4)]).prop_map(
        move |(i, edits, bytes)| {
            let mut v = seeds[i].clone();
            for e in &edits {
                apply_edit(&mut v, e);
            }
            let mut text = v.to_string().into_bytes();
            for m in &bytes {
                apply(&mut text, m);
            }
            String::from_utf8_lossy(&text).into_owned()
        },
    )
}

proptest! {
    #![proptest_config(crate::config())]

    /// Any file loads and verifies, or is refused with a message; nothing of a claimed size is
    /// allocated before the claim is checked (the allocator above would abort).
    #[test]
    fn model_files_load_or_say_why(text in files()) {
        let result = ModelFile::parse(&text).and_then(|f| {
            let m = f.to_model()?;
            f.verify(&m).map(|r| (m.param_count(), r))
        });
        if let Err(e) = result {
            let m = e.to_string();
            prop_assert!(!m.trim().is_empty(), "{e:?}");
        }
    }

}

/// The seeds themselves load and pass their checks (so that the mutations start from files that
/// work).
#[test]
fn the_seeds_verify() {
    for seed in seeds() {
        let f = ModelFile::parse(&seed.to_string()).unwrap();
        let (max, _) = f.verify(&f.to_model().unwrap()).unwrap().unwrap();
        assert!(max < 1e-5);
    }
}
