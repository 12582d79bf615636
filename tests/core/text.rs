//! The text vectorizer against Keras `TextVectorization` (tests/fixtures/text_vectorization.json,
//! made by tools/keras/make_vectorizer_fixture.py from the first rows of AG News train.csv).

use unroll::data::text::{split, standardize, tokens, TextVectorizer, VectorizerError, VectorizerFile, OOV, PAD};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn standardize_lowers_ascii_only_and_drops_ascii_punctuation() {
    assert_eq!(standardize("It's U.S.-based: co-op #1!"), "its usbased coop 1");
    assert_eq!(standardize("ÉCOLE Straße"), "École straße", "TensorFlow lower-cases ASCII letters only");
    assert_eq!(standardize("“curly” ’s — déjà"), "“curly” ’s — déjà", "non-ASCII punctuation stays");
    let all: String = (0x21u8..0x7f).map(char::from).filter(|c| !c.is_ascii_alphanumeric()).collect();
    assert_eq!(all.len(), 32);
    assert_eq!(standardize(&all), "");
}

#[test]
fn split_is_on_ascii_whitespace_only() {
    let t: Vec<&str> = split("a\tb\nc\rd\x0ce\x0bf\u{a0}g\u{2003}h  i ").collect();
    assert_eq!(t, ["a", "b", "c", "d", "e", "f\u{a0}g\u{2003}h", "i"]);
    assert!(split("   ").next().is_none());
    assert_eq!(tokens("!!! ... ---"), Vec::<String>::new());
}

#[test]
fn vocabulary_by_count_then_bytes_descending() {
    let v = TextVectorizer::adapt(["b a c", "a b", "a", "d"], None, None).unwrap();
    // a: 3, b: 2, c and d: 1 each, the tie broken by the larger bytes first.
    assert_eq!(v.vocabulary(), ["", "[UNK]", "a", "b", "d", "c"]);
    let v = TextVectorizer::adapt(["b a c", "a b", "a", "d"], Some(4), Some(5)).unwrap();
    assert_eq!(v.vocabulary(), ["", "[UNK]", "a", "b"]);
    assert_eq!(v.encode("A, c b!"), [2, OOV, 3, PAD, PAD]);
    assert_eq!(v.encode("a a a a a a"), [2; 5], "cut to the fixed length");
    assert_eq!(v.encode_tokens("A zz"), [("a".to_string(), 2), ("zz".to_string(), OOV)]);
}

#[test]
fn bad_options_and_vocabularies_are_errors() {
    assert_eq!(TextVectorizer::adapt(["a"], Some(1), None).unwrap_err(), VectorizerError::MaxTokens(1));
    assert_eq!(TextVectorizer::adapt(["a"], None, Some(0)).unwrap_err(), VectorizerError::SequenceLength);
    let file = |v: &[&str]| serde_json::from_value::<VectorizerFile>(serde_json::json!({ "vocabulary": v })).unwrap();
    assert!(matches!(TextVectorizer::try_from(file(&["[UNK]", ""])), Err(VectorizerError::Specials(_))));
    assert_eq!(
        TextVectorizer::try_from(file(&["", "[UNK]", "a", "b", "a"])).unwrap_err(),
        VectorizerError::Duplicate { token: "a".into(), first: 2, second: 4 }
    );
    let err = serde_json::from_str::<TextVectorizer>(r#"{"vocabulary":["x"]}"#).unwrap_err().to_string();
    assert!(err.contains("must start with"), "{err}");
    let err = serde_json::from_str::<TextVectorizer>(r#"{"vocabulary":["","[UNK]"],"split":"character"}"#).unwrap_err().to_string();
    assert!(err.contains("split = \"character\" is not supported"), "{err}");
    // What tools/keras/unroll_keras.py writes for a default layer.
    let keras = r#"{"vocabulary":["","[UNK]","the"],"max_tokens":20000,"output_sequence_length":null,"standardize":"lower_and_strip_punctuation","split":"whitespace"}"#;
    assert_eq!(serde_json::from_str::<TextVectorizer>(keras).unwrap().encode("The cat"), [2, OOV]);
    let v = TextVectorizer::adapt(["a b"], Some(10), Some(3)).unwrap();
    let back: TextVectorizer = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
    assert_eq!(back, v);
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn matches_keras_text_vectorization() {
    use serde_json::Value;
    use unroll::data::ag_news;

    let fixture: Value = serde_json::from_str(include_str!("../fixtures/text_vectorization.json")).unwrap();
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data/ag_news/train.csv")).unwrap();
    let (rows, _) = ag_news::read(&bytes);
    let extra: Vec<String> = serde_json::from_value(fixture["extra"].clone()).unwrap();
    for case in fixture["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let n = case["rows"].as_u64().unwrap() as usize;
        let mut texts: Vec<String> = rows[..n]
            .iter()
            .map(|r| if case["fields"] == "title" { r.title.clone() } else { format!("{} {}", r.title, r.description) })
            .collect();
        if case["extra"] == true {
            texts.extend(extra.iter().cloned());
        }
        let max_tokens = case["max_tokens"].as_u64().map(|m| m as usize);
        let length = case["output_sequence_length"].as_u64().map(|m| m as usize);
        let v = TextVectorizer::adapt(texts.iter().map(String::as_str), max_tokens, length).unwrap();
        let keras: Vec<String> = serde_json::from_value(case["vocabulary"].clone()).unwrap();
        if let Some(i) = (0..keras.len().max(v.vocabulary_size())).find(|&i| keras.get(i) != v.vocabulary().get(i)) {
            panic!("{name}: vocabulary differs first at index {i}: keras {:?}, ours {:?}", keras.get(i), v.vocabulary().get(i));
        }
        for e in case["encoded"].as_array().unwrap() {
            let i = e["text"].as_u64().unwrap() as usize;
            let ids: Vec<u32> = serde_json::from_value(e["ids"].clone()).unwrap();
            assert_eq!(v.encode(&texts[i]), ids, "{name}: text {i}: {:?}", texts[i]);
        }
    }
}
