//! The model file: round trips, and clear errors (naming layer and shape) for bad files.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::CellKind;
use unroll::engine::model::Merge;
use unroll::engine::{Input, InputData, Model, Workspace};
use unroll::model_file::{expected_weights, Check, ModelFile, ModelFileError, MAX_PARAMS};

use crate::common::*;

fn model() -> Model {
    let spec = cls_model(
        30,
        4,
        true,
        vec![layer(CellKind::Lstm { peephole: false }, 5, Some(Merge::Concat)), layer(CellKind::Gru { reset_after: true }, 3, None)],
        4,
    );
    Model::new(spec, 9).unwrap()
}

fn outputs(m: &Model, ids: &[u32]) -> Vec<f32> {
    let mut ws = Workspace::default();
    m.forward(&Input { batch: 2, time: ids.len() / 2, data: InputData::Tokens(ids), mask: None, feedback: None, loss_from: 0 }, &mut ws)
        .unwrap();
    ws.outputs.clone()
}

#[test]
fn round_trips_as_numbers_and_as_base64() {
    let m = model();
    let ids = [3u32, 7, 1, 0, 0, 12, 29, 5, 5, 0];
    for binary in [false, true] {
        let json = ModelFile::from_model(&m, binary).to_json();
        assert_eq!(json.contains("\"base64\""), binary);
        let back = ModelFile::parse(&json).unwrap().to_model().unwrap();
        assert_eq!(back.params.values, m.params.values, "bit-identical weights");
        assert_eq!(back.spec, m.spec);
        assert_eq!(outputs(&back, &ids), outputs(&m, &ids));
    }
}

#[test]
fn a_check_in_the_file_is_verified() {
    let m = model();
    let ids = [3u32, 7, 1, 0, 0, 12, 29, 5, 5, 0];
    let mut f = ModelFile::from_model(&m, true);
    f.check = Some(Check { inputs: ids.iter().map(|&i| i as f32).collect(), shape: vec![2, 5], outputs: outputs(&m, &ids) });
    let (max, n) = f.verify(&m).unwrap().unwrap();
    assert_eq!((max, n), (0.0, 8));
    f.check.as_mut().unwrap().outputs[3] += 0.5;
    assert!((f.verify(&m).unwrap().unwrap().0 - 0.5).abs() < 1e-6);
}

fn error_of(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut v: serde_json::Value = serde_json::from_str(&ModelFile::from_model(&model(), false).to_json()).unwrap();
    edit(&mut v);
    match ModelFile::parse(&v.to_string()).and_then(|f| f.to_model()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn bad_files_get_messages_naming_the_layer_and_the_shape() {
    let e = error_of(|v| v["weights"]["rnn1.kernel"]["shape"] = serde_json::json!([10, 12]));
    assert_eq!(e, "layer `rnn1` (GRU): weight `rnn1.kernel` has shape [10, 12] in the file, but the model needs [10, 9]");
    let e = error_of(|v| {
        v["weights"].as_object_mut().unwrap().remove("rnn0.backward.bias");
    });
    assert!(e.contains("layer `rnn0`") && e.contains("rnn0.backward.bias") && e.contains("[20]"), "{e}");
    let e = error_of(|v| v["weights"]["rnn0.forward.bias"]["values"][3] = serde_json::json!("x"));
    assert!(e.starts_with("not a model file"), "{e}");
    let e = error_of(|v| {
        v["weights"]["dense.bias"]["values"] = serde_json::Value::Null;
        v["weights"]["dense.bias"]["base64"] = serde_json::json!("@@not base64@@");
    });
    assert!(e.contains("dense.bias") && e.contains("base64"), "{e}");
    let e = error_of(|v| v["weights"]["dense.bias"]["values"] = serde_json::json!([1.0, 2.0]));
    assert!(e.contains("dense.bias") && e.contains("needs 4 values"), "{e}");
    let e = error_of(|v| v["weights"]["extra.kernel"] = serde_json::json!({"shape": [1], "values": [0.0]}));
    assert!(e.contains("extra.kernel") && e.contains("not in the model"), "{e}");
    let e = error_of(|v| v["version"] = serde_json::json!(7));
    assert!(e.contains("version 7") && e.contains("update Unroll"), "{e}");
    let e = error_of(|v| v["format"] = serde_json::json!("keras"));
    assert!(e.contains("not an Unroll model file"), "{e}");
    let e = error_of(|v| v["model"]["layers"][0]["units"] = serde_json::json!(0));
    assert!(e.contains("rnn0") && e.contains("units"), "{e}");
    assert!(matches!(ModelFile::parse("{\"format\": \"unroll-model\", \"version\": 1, \"mod"), Err(ModelFileError::Json(_))));
    assert!(matches!(ModelFile::parse(""), Err(ModelFileError::Json(_))));
}

/// The vectorizer travels with the model; one larger than the embedding is refused, naming both.
#[test]
fn the_vectorizer_round_trips_and_must_fit_the_embedding() {
    use unroll::data::text::TextVectorizer;
    let m = model();
    let mut file = ModelFile::from_model(&m, true);
    file.vectorizer = Some(TextVectorizer::adapt(["the cat sat", "the dog"], Some(20), None).unwrap());
    let back = ModelFile::parse(&file.to_json()).unwrap();
    assert_eq!(back.vectorizer.as_ref().unwrap().encode("The dog!"), [2, 4]);
    back.to_model().unwrap();
    let words: Vec<String> = (0..40).map(|i| format!("w{i}")).collect();
    file.vectorizer = Some(TextVectorizer::adapt(words.iter().map(String::as_str), None, None).unwrap());
    let err = ModelFile::parse(&file.to_json()).unwrap().to_model().unwrap_err();
    assert_eq!(err, ModelFileError::Vocabulary { tokens: 42, rows: 30, dim: 4 });
    assert!(err.to_string().contains("layer `embedding`: the vectorizer has 42 tokens but the embedding only 30 rows"), "{err}");
    // Class names travel too, and must match the Dense layer.
    let mut file = ModelFile::from_model(&m, true);
    file.classes = vec!["a".into(), "b".into(), "c".into(), "d".into()];
    assert_eq!(ModelFile::parse(&file.to_json()).unwrap().classes, file.classes);
    file.classes.pop();
    let err = ModelFile::parse(&file.to_json()).unwrap().to_model().unwrap_err();
    assert_eq!(err.to_string(), "layer `dense`: the file names 3 classes but the model has 4 outputs");
}

/// The page's worker speaks German when the page does: a refused file is explained in German,
/// still naming the layer, the weight and the shapes as they are.
#[test]
fn refusals_speak_the_language_set() {
    use unroll::i18n::{set_lang, Lang};
    set_lang(Lang::De);
    let shape = error_of(|v| v["weights"]["rnn1.kernel"]["shape"] = serde_json::json!([10, 12]));
    let mut v = json_of(&model());
    v["model"]["input"]["vocab"] = serde_json::json!(1_000_000);
    v["model"]["input"]["dim"] = serde_json::json!(1024);
    let too_large = refusal(&v);
    let units = error_of(|v| v["model"]["layers"][0]["units"] = serde_json::json!(0));
    let check = with_check(serde_json::json!([]), serde_json::json!([0, 0]), serde_json::json!([]));
    set_lang(Lang::En);
    assert_eq!(shape, "layer `rnn1` (GRU): Gewicht `rnn1.kernel` hat in der Datei die Form [10, 12], das Modell braucht aber [10, 9]");
    assert_eq!(
        too_large,
        "layer `embedding` (Embedding) beansprucht embedding.embeddings [1000000, 1024]: 1,024,000,000 Gewichte; eine Modelldatei \
         darf höchstens 67,108,864 Gewichte (256 MiB an float32) beschreiben, damit sein Training (Gewichte, Gradienten und die zwei \
         Momente von Adam) in 1 GiB (so viel Speicher plant die Engine der Seite in ihrem wasm32-Worker ein) passt"
    );
    assert_eq!(units, "ungültiges Modell: Schicht rnn0: Die Einheiten müssen 1..=4096 sein, erhalten: 0");
    assert_eq!(check, "Prüfdaten: Form [0, 0] hat keine Schritte");
    // Back in English, the same file reads as before.
    assert!(refusal(&v).starts_with("layer `embedding` (Embedding) claims embedding.embeddings [1000000, 1024]: 1,024,000,000 weights"));
}

// The corpus of files from strangers: every case here once panicked, aborted on a huge allocation,
// or is a handcrafted neighbour of one. Each must be refused with a message naming the layer and
// the shape, before anything of the claimed size is allocated.

fn json_of(m: &Model) -> serde_json::Value {
    serde_json::from_str(&ModelFile::from_model(m, false).to_json()).unwrap()
}

/// The error of `v` as a file: parsed, built and verified.
fn refusal(v: &serde_json::Value) -> String {
    let file = match ModelFile::parse(&v.to_string()) {
        Ok(f) => f,
        Err(e) => return e.to_string(),
    };
    match file.to_model().and_then(|m| file.verify(&m)) {
        Ok(r) => panic!("expected an error, got {r:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_vocabulary_of_a_million_by_1024_is_refused_before_allocating() {
    let mut v = json_of(&model());
    v["model"]["input"]["vocab"] = serde_json::json!(1_000_000);
    v["model"]["input"]["dim"] = serde_json::json!(1024);
    let e = refusal(&v);
    assert!(e.starts_with("layer `embedding` (Embedding) claims embedding.embeddings [1000000, 1024]: 1,024,000,000 weights"), "{e}");
    assert!(e.contains("at most 67,108,864 weights (256 MiB of float32)") && e.contains("1 GiB"), "{e}");
}

#[test]
fn eight_bidirectional_layers_of_4096_units_are_refused() {
    let mut v = json_of(&model());
    let big = serde_json::json!({"cell": {"type": "lstm"}, "units": 4096, "bidirectional": "concat"});
    v["model"]["layers"] = serde_json::json!(vec![big; 8]);
    let e = refusal(&v);
    assert!(
        e.starts_with(
            "layer `rnn0` (Bidirectional LSTM) claims rnn0.forward.kernel [4, 16384], rnn0.forward.recurrent_kernel [4096, 16384]"
        ),
        "{e}"
    );
    // 2 × (4·16384 + 4096·16384 + 16384), and the embedding's 30 × 4 before it.
    assert!(
        e.contains(
            "bias [16384]: 134,381,568 weights, 134,381,688 with the layers before it; a model file may describe at most 67,108,864"
        ),
        "{e}"
    );
}

#[test]
fn maximal_dimensions_are_refused() {
    use unroll::engine::model::spec::{MAX_LAYERS, MAX_UNITS, MAX_VOCAB};
    let mut v = json_of(&model());
    v["model"]["input"] = serde_json::json!({"type": "tokens", "vocab": MAX_VOCAB, "dim": MAX_UNITS, "mask_zero": true});
    let big = serde_json::json!({"cell": {"type": "lstm", "peephole": true}, "units": MAX_UNITS, "bidirectional": "concat"});
    v["model"]["layers"] = serde_json::json!(vec![big; MAX_LAYERS]);
    v["model"]["dense_units"] = serde_json::json!(MAX_UNITS);
    let e = refusal(&v);
    assert!(e.starts_with("layer `embedding` (Embedding) claims embedding.embeddings [4194304, 4096]: 17,179,869,184 weights"), "{e}");
    // Past the engine's limits: the engine's own message, naming the layer.
    v["model"]["layers"][3]["units"] = serde_json::json!(usize::MAX);
    let e = refusal(&v);
    assert!(e.contains(&format!("layer rnn3: units must be 1..=4096, got {}", usize::MAX)), "{e}");
}

#[test]
fn layers_that_fit_alone_but_not_together_name_the_one_that_passes_the_budget() {
    let mut v = json_of(&model());
    let l = serde_json::json!({"cell": {"type": "lstm"}, "units": 1024, "bidirectional": "concat"});
    v["model"]["layers"] = serde_json::json!(vec![l; 4]);
    let e = refusal(&v);
    // The embedding 120, rnn0 2 × (4·4096 + 1024·4096 + 4096) = 8,429,568, each later layer
    // 2 × (2048·4096 + 1024·4096 + 4096) = 25,174,016: rnn2 ends at 58,777,720, rnn3 passes.
    assert!(e.starts_with("layer `rnn3` (Bidirectional LSTM) claims rnn3.forward.kernel [2048, 4096]"), "{e}");
    assert!(e.contains(": 25,174,016 weights, 83,951,736 with the layers before it;"), "{e}");
    v["model"]["layers"].as_array_mut().unwrap().pop();
    let e = refusal(&v);
    // Three such layers fit: the file is then held to its weights (a plain `rnn1` is not there).
    assert_eq!(e, "weight `rnn1.bias` is in the file but not in the model");
}

#[test]
fn the_budget_is_four_copies_of_the_weights_in_a_gibibyte() {
    use unroll::engine::model::footprint::{estimate, Work};
    use unroll::engine::train::OptimizerSpec;
    use unroll::model_file::{COPIES_PER_WEIGHT, MEMORY_BUDGET};
    assert_eq!(MEMORY_BUDGET, 1 << 30);
    assert_eq!(MAX_PARAMS, 64 << 20);
    // The copies are what the footprint counts for training with Adam.
    let f = estimate(&model().spec, &OptimizerSpec::adam(1e-3), Work { batch: 2, time: 3, parts: 1, eval_batch: 2, eval_time: 3 });
    assert_eq!(f.weights + f.gradients + f.optimizer, COPIES_PER_WEIGHT * f.weights);
    #[cfg(target_arch = "wasm32")]
    assert_eq!(MEMORY_BUDGET, unroll::engine::backend::BackendKind::Cpu.memory_budget());
}

/// The weights the reader expects before it allocates are the ones the engine lays out.
#[test]
fn expected_weights_are_the_engines() {
    let cells = [
        CellKind::SimpleRnn { activation: unroll::engine::cells::Activation::Relu },
        CellKind::Lstm { peephole: true },
        CellKind::Lstm { peephole: false },
        CellKind::Gru { reset_after: true },
        CellKind::Gru { reset_after: false },
    ];
    for cell in cells {
        for spec in [
            seq_model(3, vec![layer(cell, 5, None), layer(cell, 4, Some(Merge::Sum)), layer(cell, 2, Some(Merge::Concat))], 2),
            cls_model(50, 6, true, vec![layer(cell, 7, Some(Merge::Concat))], 4),
        ] {
            let engine: Vec<_> =
                Model::zeroed(spec.clone()).unwrap().params.infos.iter().map(|i| (i.name.clone(), i.shape.clone())).collect();
            let ours: Vec<_> = expected_weights(&spec).unwrap().into_iter().map(|e| (e.name, e.shape)).collect();
            assert_eq!(ours, engine, "{cell:?}");
        }
    }
}

fn with_check(inputs: serde_json::Value, shape: serde_json::Value, outputs: serde_json::Value) -> String {
    let mut v = json_of(&model());
    v["check"] = serde_json::json!({"inputs": inputs, "shape": shape, "outputs": outputs});
    refusal(&v)
}

#[test]
fn check_data_claiming_a_huge_shape_is_refused() {
    // [2^63 + 1, 2] has a product that wraps around to 2, the number of inputs: it once passed the
    // engine's check and indexed past the token ids (a panic, an abort in release builds).
    let wraps = usize::MAX / 2 + 2;
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([wraps, 2]), serde_json::json!([0, 0, 0, 0]));
    assert_eq!(e, format!("check data: shape [{wraps}, 2] claims more inputs than can be counted; check.inputs has 2"));
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([usize::MAX, usize::MAX]), serde_json::json!([]));
    assert!(e.contains("more inputs than can be counted"), "{e}");
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([1, 2147483648u64]), serde_json::json!([0, 0, 0, 0]));
    assert_eq!(e, "check data: shape [1, 2147483648] needs 2147483648 inputs, check.inputs has 2");
    let e = with_check(serde_json::json!([]), serde_json::json!([0, 0]), serde_json::json!([]));
    assert_eq!(e, "check data: shape [0, 0] has no steps");
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([]), serde_json::json!([]));
    assert_eq!(e, "check data: shape []: token inputs need [batch, time]");
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([1, 2, 1]), serde_json::json!([0, 0, 0, 0]));
    assert_eq!(e, "check data: shape [1, 2, 1]: token inputs need [batch, time]");
}

#[test]
fn the_engine_refuses_a_batch_whose_size_wraps_around() {
    let m = model();
    let ids = [1u32, 2];
    let input = Input { batch: usize::MAX / 2 + 2, time: 2, data: InputData::Tokens(&ids), mask: None, feedback: None, loss_from: 0 };
    let e = m.forward(&input, &mut Workspace::default()).unwrap_err().to_string();
    assert!(e.contains("more values than this machine can address"), "{e}");
}

#[test]
fn check_token_ids_past_the_embedding_table_are_refused() {
    let out = serde_json::json!([0, 0, 0, 0]);
    for (bad, shown) in
        [(99.0, "99"), (30.0, "30"), (-5.0, "-5"), (2.5, "2.5"), (1e30, "1000000000000000000000000000000"), (4294967296.0, "4294967300")]
    {
        let e = with_check(serde_json::json!([1, bad]), serde_json::json!([1, 2]), out.clone());
        assert_eq!(
            e,
            format!(
                "layer `embedding` (Embedding): check.inputs[1] is {shown}, which is not a token id of the table's 30 rows (shape [30, 4])"
            )
        );
    }
    // A value too large for a float32 is infinite once read.
    let e = with_check(serde_json::json!([1, 1e300]), serde_json::json!([1, 2]), out);
    assert_eq!(e, "check data: check.inputs[1] is not a finite number");
}

#[test]
fn check_outputs_of_the_wrong_length_are_refused() {
    let e = with_check(serde_json::json!([1, 2]), serde_json::json!([1, 2]), serde_json::json!([0, 0, 0]));
    assert_eq!(e, "check data: check.outputs has 3 values, the model gives [1, 4]");
}

#[test]
fn a_check_too_big_for_the_budget_is_refused_before_running() {
    // 200,000 steps through an LSTM of 256 units keeps about 1.7 GB of states and gates.
    let m = Model::new(seq_model(1, vec![layer(CellKind::Lstm { peephole: false }, 256, None)], 1), 1).unwrap();
    let mut f = ModelFile::from_model(&m, true);
    let n = 200_000;
    f.check = Some(Check { inputs: vec![0.5; n], shape: vec![1, n, 1], outputs: vec![0.0; n] });
    let e = f.verify(&m).unwrap_err().to_string();
    assert!(e.starts_with("the check: 1 sequence(s) of 200000 steps would need about "), "{e}");
    assert!(
        e.ends_with(
            "with the weights; a model file's model must run in 1 GiB (the memory the page's engine plans for in its wasm32 worker)"
        ),
        "{e}"
    );
}

#[test]
fn a_vectorizer_padding_to_absurd_lengths_is_refused() {
    let mut v = json_of(&model());
    v["vectorizer"] = serde_json::json!({"vocabulary": ["", "[UNK]", "a"], "output_sequence_length": 1_000_000_000_000_000u64});
    let e = refusal(&v);
    // A 32-bit build (the page's worker) cannot even hold the number: the file is refused as it is read.
    if usize::BITS < 64 {
        assert!(e.contains("invalid value: integer `1000000000000000`, expected usize"), "{e}");
    } else {
        assert!(e.starts_with("the vectorizer pads every text to 1000000000000000 tokens: reading one text: 1 sequence(s) of 1000000000000000 steps would need more memory than can be counted"), "{e}");
    }
    v["vectorizer"]["output_sequence_length"] = serde_json::json!(50);
    ModelFile::parse(&v.to_string()).unwrap().to_model().unwrap();
}

#[test]
fn weights_of_the_wrong_length_are_refused_before_allocating() {
    let e = error_of(|v| v["weights"]["rnn0.forward.kernel"]["values"] = serde_json::json!([1.0]));
    assert_eq!(e, "layer `rnn0` (Bidirectional LSTM): weight `rnn0.forward.kernel` has shape [4, 20], which needs 80 values, but its `values` holds 1");
    let e = error_of(|v| {
        v["weights"]["embedding.embeddings"]["values"] = serde_json::Value::Null;
        v["weights"]["embedding.embeddings"]["base64"] = serde_json::json!("AAAAAAAAAAA=");
    });
    assert_eq!(e, "layer `embedding` (Embedding): weight `embedding.embeddings` has shape [30, 4], which needs 120 values, but its `base64` data holds 2");
    // A weight that claims a huge shape is held to the model's shape first.
    let e = error_of(|v| v["weights"]["dense.kernel"]["shape"] = serde_json::json!([usize::MAX, usize::MAX]));
    let max = usize::MAX;
    assert!(e.starts_with(&format!("layer `dense` (Dense): weight `dense.kernel` has shape [{max}, {max}] in the file")), "{e}");
    let e = error_of(|v| v["weights"]["dense.bias"]["values"][0] = serde_json::json!(1e300));
    assert_eq!(e, "layer `dense` (Dense): weight `dense.bias` has value 0 that is not a finite number");
}

#[test]
fn truncated_files_are_refused() {
    let json = ModelFile::from_model(&model(), true).to_json();
    for cut in [0, 1, 10, 30, json.len() / 3, json.len() / 2, json.len() - 1] {
        let e = ModelFile::parse(&json[..cut]).unwrap_err();
        assert!(matches!(e, ModelFileError::Json(_)), "{cut}: {e}");
        assert!(!e.to_string().is_empty());
    }
}

/// A model trained and exported by Keras itself (`tools/keras/make_keras_news_fixture.py`):
/// Unroll's reading of its weights gives Keras's outputs, and it reads headlines as Keras does.
#[test]
fn a_keras_export_opens_and_reads_headlines() {
    let json = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/keras_news_lstm.unroll.json"));
    let file = ModelFile::parse(json).unwrap();
    assert_eq!(file.classes, ["World", "Sports", "Business", "Sci/Tech"]);
    assert_eq!(file.vectorizer.as_ref().map(|v| v.vocabulary_size()), Some(1000));
    let model = file.to_model().unwrap();
    let (max, n) = file.verify(&model).unwrap().expect("the export carries Keras's outputs");
    assert_eq!(n, 32);
    assert!(max < 1e-4, "Unroll differs from Keras by {max:e}");
    let mut reader = unroll::lesson::news::TextClassifier::from_file(&file).unwrap();
    let class = |reader: &mut unroll::lesson::news::TextClassifier, text: &str| {
        let p = reader.read(text).probs;
        (0..p.len()).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap()
    };
    assert_eq!(class(&mut reader, "Yankees beat Red Sox in the playoffs"), 1);
    assert_eq!(class(&mut reader, "Stocks fall as oil prices rise and profits drop"), 2);
}
