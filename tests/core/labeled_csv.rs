//! The user's own CSV files: both layouts, any number of classes, bad rows reported by line, and
//! one clear error for each way a whole file can be unusable.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::data::labeled_csv::{parse, CsvError, MAX_BYTES};
use unroll::lesson::news::NewsData;

#[test]
fn ag_news_layout_without_a_header() {
    let f = "\"3\",\"Stocks up\",\"Markets rose.\"\n\"1\",\"Vote held\",\"A vote, at last.\"\n\"2\",\"Cup final\",\"\"\n";
    let d = parse(f.as_bytes(), None).unwrap();
    assert_eq!(d.classes, ["1", "2", "3"]);
    assert_eq!(d.items.iter().map(|i| i.label).collect::<Vec<_>>(), [2, 0, 1]);
    assert_eq!((d.items[1].title.as_str(), d.items[1].description.as_str()), ("Vote held", "A vote, at last."));
    assert!(d.bad.is_empty() && d.layout.contains("AG News"), "{}", d.layout);
    // Two columns, labels from 0.
    let d = parse(b"0,good film\n1,bad film\n0,great\n", None).unwrap();
    assert_eq!((d.classes.len(), d.items[1].label, d.layout.as_str()), (2, 1, "no header: label, text"));
}

#[test]
fn a_header_names_the_columns_and_labels_can_be_words() {
    let f = "id,Sentence,Category,extra\n1,I loved it,pos,x\n2,Awful,neg,y\n3,\"Fine, really\",pos,z\n4,Meh,neutral,w\n";
    let d = parse(f.as_bytes(), None).unwrap();
    assert_eq!(d.classes, ["pos", "neg", "neutral"], "in order of first appearance");
    assert_eq!(d.items.iter().map(|i| i.label).collect::<Vec<_>>(), [0, 1, 0, 2]);
    assert_eq!(d.items[2].title, "Fine, really");
    assert!(d.layout.contains("`Category`") && d.layout.contains("`Sentence`"), "{}", d.layout);
    // title + description columns, with a byte-order mark.
    let f = "\u{feff}label,title,description\n1,A,b c\n2,D,e\n";
    let d = parse(f.as_bytes(), None).unwrap();
    assert_eq!((d.items[0].title.as_str(), d.items[0].description.as_str()), ("A", "b c"));
}

#[test]
fn malformed_rows_are_skipped_with_their_line_numbers() {
    // Bad rows leave a single class: the file as a whole is refused.
    assert_eq!(parse(b"label,text\n1,ok\n2\n", None).unwrap_err(), CsvError::OneClass("1".into()));
    let f = "label,text\n1,ok\n2\n,no label\n1,\n2,fine\n";
    let d = parse(f.as_bytes(), None).unwrap();
    assert_eq!(d.items.len(), 2);
    let lines: Vec<(u64, &str)> = d.bad.iter().map(|b| (b.line, b.problem.as_str())).collect();
    assert_eq!(lines, [(3, "1 fields instead of 2"), (4, "empty label"), (5, "empty text")]);
}

#[test]
fn each_unusable_file_gets_its_own_message() {
    assert_eq!(parse(b"", None).unwrap_err(), CsvError::Empty);
    assert_eq!(parse(b" \n\n", None).unwrap_err(), CsvError::Empty);
    let big = vec![b'a'; MAX_BYTES + 1];
    assert_eq!(parse(&big, None).unwrap_err(), CsvError::TooLarge { size: MAX_BYTES + 1 });
    assert_eq!(parse(b"1,ok\n2,caf\xe9\n", None).unwrap_err(), CsvError::NotUtf8 { line: 2 });
    assert_eq!(parse(b"1,a\n1,b\n", None).unwrap_err(), CsvError::OneClass("1".into()));
    assert!(matches!(parse(b"label,text\n", None).unwrap_err(), CsvError::NoRows(_)));
    assert!(matches!(parse(b"1\n2\n", None).unwrap_err(), CsvError::NoRows(m) if m.contains("line 1")));
    assert_eq!(parse(b"label,score\n1,2\n", None).unwrap_err(), CsvError::Header("text"));
    let e = parse(b"1,a\n-1,b\n", None).unwrap_err();
    assert!(matches!(&e, CsvError::LabelOutOfRange { line: 2, .. }), "{e}");
    // The negative label is named, not the 0 before it that it would push out of range.
    let e = parse(b"1,a\n0,b\n-1,c\n2,d\n", None).unwrap_err().to_string();
    assert!(e.contains("label -1 on line 3 is out of range"), "{e}");
    // Every label "3" is one class, though numbering from 1 would name three.
    assert_eq!(parse(b"3,a\n3,b\n3,c\n", None).unwrap_err(), CsvError::OneClass("3".into()));
    assert_eq!(parse(b"class,title,description\n3,a,x\n3,b,y\n", None).unwrap_err(), CsvError::OneClass("3".into()));
    let e = parse(b"1,a\n5000,b\n", None).unwrap_err().to_string();
    assert!(e.contains("label 5000 on line 2 is out of range: at most 100 classes"), "{e}");
    // A test file's labels must be among the training file's classes.
    let train = parse(b"pos,a\nneg,b\n", None).unwrap();
    let e = parse(b"pos,c\nmaybe,d\n", Some(&train.classes)).unwrap_err().to_string();
    assert!(e.contains("label maybe on line 2") && e.contains("pos, neg"), "{e}");
    for err in [CsvError::Empty, CsvError::TooLarge { size: 1 }, CsvError::NotUtf8 { line: 1 }, CsvError::OneClass("x".into())] {
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn without_a_test_file_a_seeded_share_is_held_out() {
    let rows: String = (0..100).map(|i| format!("{},text number {i}\n", i % 3)).collect();
    let d = parse(rows.as_bytes(), None).unwrap();
    let a = NewsData::from_labeled(d.clone(), None, 0.2, 7);
    assert_eq!((a.train.len(), a.test.len(), a.classes.len()), (80, 20, 3));
    assert_eq!(a, NewsData::from_labeled(d.clone(), None, 0.2, 7));
    assert_ne!(a.test, NewsData::from_labeled(d.clone(), None, 0.2, 8).test);
    let t = parse(b"2,held out\n0,also\n", Some(&d.classes)).unwrap();
    let b = NewsData::from_labeled(d, Some(t), 0.2, 7);
    assert_eq!((b.train.len(), b.test.len(), b.test[0].label), (100, 2, 2));
}

/// Found by the CSV fuzzer (tests/fuzz): a 73-byte gzip file inflating to one label of 5,000 NUL
/// characters gave a message of 10,080 bytes; a label is shown in at most 40 characters and its
/// length, and a list of classes names the first ten.
#[test]
fn huge_labels_are_shortened_in_messages() {
    let label = "\0".repeat(5000);
    let e = parse(format!("{label},a text\n{label},another\n").as_bytes(), None).unwrap_err().to_string();
    assert!(e.len() < 200 && e.contains("(5000 characters)"), "{} bytes: {e:.300}", e.len());
    let long = "x".repeat(1_000_000);
    let e = parse(format!("{long},a\n1,b\n").as_bytes(), Some(&["1".to_string(), "2".to_string()])).unwrap_err().to_string();
    assert!(e.len() < 300 && e.contains("(1000000 characters)"), "{} bytes: {e:.300}", e.len());
    let names: Vec<String> = (0..50).map(|i| format!("class {i} {}", "y".repeat(100))).collect();
    let e = parse(b"zzz,a\n", Some(&names)).unwrap_err().to_string();
    assert!(e.len() < 1000 && e.ends_with(" and 40 more"), "{} bytes: {e:.300}", e.len());
}

/// A file's refusal, its skipped rows and its layout speak the page's language; a label that
/// looks like a placeholder is shown as it is.
#[test]
fn messages_speak_the_language_set() {
    use unroll::i18n::{set_lang, Lang};
    let classes = ["a".to_string(), "b".to_string()];
    set_lang(Lang::De);
    let refused = parse(b"label,text\n{line},x\n", Some(&classes)).unwrap_err().to_string();
    let read = parse(b"label,text\na,x\nb\n,y\nb,\nb,z\n", None);
    set_lang(Lang::En);
    assert_eq!(refused, "Label {line} in Zeile 2 liegt außerhalb des Bereichs: die Klassen der Trainingsdaten sind a, b");
    let d = read.unwrap();
    let problems: Vec<_> = d.bad.iter().map(|b| (b.line, b.problem.as_str())).collect();
    assert_eq!(problems, [(3, "1 Felder statt 2"), (4, "leeres Label"), (5, "leerer Text")]);
    assert_eq!(d.layout, "Kopfzeile: Label-Spalte `label`, Textspalte `text`");
    assert_eq!(CsvError::Empty.to_string(), "the file is empty");
}
