//! The model file: round trips, and clear errors (naming layer and shape) for bad files.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::engine::cells::CellKind;
use unroll::engine::model::Merge;
use unroll::engine::{Input, InputData, Model, Workspace};
use unroll::model_file::{Check, ModelFile, ModelFileError};

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
    assert_eq!(e, "layer `rnn1`: weight `rnn1.kernel` has shape [10, 12] in the file, but the model needs [10, 9]");
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
