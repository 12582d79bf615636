//! Sentences as a `[batch, time]` tensor of token ids (`lesson::input_format`).

use unroll::data::text::TextVectorizer;
use unroll::lesson::input_format::{input_format, token_label, InputFormatError, DEFAULT_SENTENCES, MAX_SENTENCES, MAX_WORDS};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn the_course_sentences_become_a_padded_id_tensor() {
    let f = input_format(DEFAULT_SENTENCES, None).unwrap();
    let words: Vec<&str> = f.vocabulary.iter().map(|e| e.token.as_str()).collect();
    // Keras order: by count (the, fox: 2), ties by the bytes, descending.
    assert_eq!(words, ["", "[UNK]", "the", "fox", "red", "quick", "jumped", "is", "high", "brown"]);
    assert_eq!(f.vocabulary.iter().map(|e| e.count).collect::<Vec<_>>(), [0, 0, 2, 2, 1, 1, 1, 1, 1, 1]);
    assert!(f.vocabulary.iter().enumerate().all(|(i, e)| e.id as usize == i));
    assert_eq!((f.batch(), f.time), (2, 5));
    assert_eq!(f.shape_text(), "[2, 5]");
    // the brown fox is quick / the red fox jumped high
    assert_eq!(f.ids(), [2, 9, 3, 7, 5, 2, 4, 3, 6, 8]);
    assert_eq!(f.mask(), [1.0; 10]);
    assert_eq!(f.rows[0].text, "The brown fox is quick");
    assert_eq!(f.rows[1].cells[3].word.as_deref(), Some("jumped"));
    assert!(f.notes.is_empty());
    assert_eq!(token_label(&f.vocabulary[0]), "(padding)");
    assert_eq!(token_label(&f.vocabulary[1]), "[UNK]");
    assert_eq!(token_label(&f.vocabulary[3]), "fox");
}

#[test]
fn shorter_sentences_are_padded_with_zero_and_masked() {
    let f = input_format("The fox.\n\n  A quick, brown fox jumps!  \nfox", None).unwrap();
    assert_eq!((f.batch(), f.time), (3, 5));
    let ids = f.ids();
    let mask = f.mask();
    assert_eq!(&mask[..5], [1.0, 1.0, 0.0, 0.0, 0.0]);
    assert_eq!(&mask[5..10], [1.0; 5]);
    assert_eq!(&mask[10..], [1.0, 0.0, 0.0, 0.0, 0.0]);
    for (id, m) in ids.iter().zip(&mask) {
        assert_eq!(*id == 0, *m == 0.0, "padding is exactly the masked steps");
    }
    assert_eq!(f.rows.iter().map(|r| r.len).collect::<Vec<_>>(), [2, 5, 1]);
    assert!(f.rows[0].cells[2..].iter().all(|c| !c.is_real() && c.word.is_none()));
}

#[test]
fn ids_are_the_news_lessons_tokenisation() {
    // The same vectorizer, adapted on the same lines, encodes the same ids.
    let text = "Stocks rally; oil falls.\nOil prices RISE as stocks fall\nU.S. stocks: rally!";
    let f = input_format(text, None).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let v = TextVectorizer::adapt(lines.iter().copied(), None, Some(f.time)).unwrap();
    assert_eq!(f.vocabulary.iter().map(|e| e.token.clone()).collect::<Vec<_>>(), v.vocabulary());
    let expected: Vec<u32> = lines.iter().flat_map(|l| v.encode(l)).collect();
    assert_eq!(f.ids(), expected);
}

#[test]
fn a_vocabulary_limit_turns_rare_words_into_unk() {
    let f = input_format(DEFAULT_SENTENCES, Some(4)).unwrap();
    let words: Vec<&str> = f.vocabulary.iter().map(|e| e.token.as_str()).collect();
    assert_eq!(words, ["", "[UNK]", "the", "fox"]);
    assert_eq!(f.ids(), [2, 1, 3, 1, 1, 2, 1, 3, 1, 1]);
    assert_eq!(f.vocabulary[1].count, 6, "six words outside the vocabulary");
    assert_eq!(f.mask(), [1.0; 10], "an unknown word is still a real step");
    assert_eq!(input_format(DEFAULT_SENTENCES, Some(1)), Err(InputFormatError::MaxTokens(1)));
}

#[test]
fn nothing_to_show_says_so() {
    assert_eq!(input_format("", None), Err(InputFormatError::Empty));
    assert_eq!(input_format(" \n\t\n", None), Err(InputFormatError::Empty));
    assert_eq!(input_format("?!\n...", None), Err(InputFormatError::NoWords));
    assert!(InputFormatError::Empty.to_string().contains("[batch, time]"));
}

#[test]
fn long_input_is_capped_with_notes() {
    let long_line = (0..MAX_WORDS + 5).map(|i| format!("w{i}")).collect::<Vec<_>>().join(" ");
    let mut lines = vec![long_line, "...".to_string()];
    lines.extend((0..MAX_SENTENCES + 3).map(|i| format!("line {i}")));
    let f = input_format(&lines.join("\n"), None).unwrap();
    assert_eq!(f.batch(), MAX_SENTENCES);
    assert_eq!(f.time, MAX_WORDS);
    assert_eq!(f.rows[0].len, MAX_WORDS);
    assert!(f.notes.iter().any(|n| n.contains("Line 1 is cut")), "{:?}", f.notes);
    assert!(f.notes.iter().any(|n| n.contains("Line 2 has no words")), "{:?}", f.notes);
    assert!(f.notes.iter().any(|n| n.contains(&format!("first {MAX_SENTENCES} sentences"))), "{:?}", f.notes);
    // The vocabulary holds only the words shown.
    assert!(f.vocabulary.iter().all(|e| e.token != format!("w{}", MAX_WORDS)));
    let huge = "word ".repeat(5000);
    let f = input_format(&huge, None).unwrap();
    assert!(f.notes.iter().any(|n| n.contains("characters")));
    // Multi-byte text is cut on a character boundary.
    assert!(input_format(&"é ".repeat(5000), None).is_ok());
}
