//! What the worker does with downloaded or uploaded bytes: the bundle (gzip), a user's CSV (plain
//! or gzip), the held-out test rows, the skipped-row report, and each refusal's message.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::io::Write;

use unroll::data::labeled_csv::MAX_BYTES;
use unroll::lesson::news_source::{bundled, check_url, maybe_gunzip, url_name, user_file, BAD_ROWS_SHOWN};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn rows(n: usize) -> String {
    (0..n).map(|i| format!("{},\"title {i}\",\"words of row {i}\"\n", 1 + i % 4)).collect()
}

#[test]
fn the_bundle_is_read_from_gzip_and_skipped_rows_name_their_file() {
    let train = rows(40) + "\"9\"\n";
    let (data, summary) = bundled(gzip(train.as_bytes()), gzip(rows(8).as_bytes()), true).unwrap();
    assert_eq!((data.train.len(), data.test.len(), summary.train_rows, summary.test_rows), (40, 8, 40, 8));
    assert_eq!(summary.classes, ["World", "Sports", "Business", "Sci/Tech"]);
    assert!(!summary.test_held_out && summary.cached && summary.layout.is_none());
    assert_eq!(summary.bad_count, 1);
    assert_eq!(summary.bad_rows[0].line, 41);
    assert!(summary.bad_rows[0].problem.starts_with("train.csv: "), "{}", summary.bad_rows[0].problem);
    let e = bundled(gzip(b""), gzip(b""), false).unwrap_err();
    assert!(e.contains("hold no rows"), "{e}");
}

#[test]
fn a_user_file_is_split_into_training_and_held_out_test_rows_the_same_way_every_time() {
    let csv = rows(100);
    let (a, sa) = user_file("mine.csv", csv.clone().into_bytes()).unwrap();
    let (b, _) = user_file("mine.csv.gz", gzip(csv.as_bytes())).unwrap();
    assert_eq!((sa.train_rows, sa.test_rows), (80, 20));
    assert!(sa.test_held_out && sa.layout.is_some() && sa.name == "mine.csv");
    assert_eq!(a, b, "the gzip file reads as the plain one, split alike");
}

#[test]
fn skipped_rows_are_listed_up_to_a_limit_and_counted_beyond() {
    let mut csv = String::from("label,text\n");
    for i in 0..60 {
        csv += &format!("{},row {i}\n", ["a", "b"][i % 2]);
        csv += "broken\n";
    }
    let (_, s) = user_file("many.csv", csv.into_bytes()).unwrap();
    assert_eq!(s.bad_count, 60);
    assert_eq!(s.bad_rows.len(), BAD_ROWS_SHOWN);
    assert_eq!(s.bad_rows[0].line, 3);
}

#[test]
fn each_unusable_file_gets_its_own_message_naming_the_file() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.csv", vec![], "empty.csv: the file is empty"),
        ("one.csv", b"label,text\na,x\na,y\n".to_vec(), "only one class"),
        ("utf.csv", b"label,text\na,caf\xe9\nb,ok\n".to_vec(), "not UTF-8 text (invalid bytes on line 2)"),
        ("range.csv", b"label,text\n1,x\n5000,y\n".to_vec(), "label 5000 on line 3 is out of range"),
        ("tiny.csv", b"label,text\na,x\n".to_vec(), "only one class"),
        ("big.csv", vec![b'a'; MAX_BYTES + 1], "big.csv: the file is 52428801 bytes; at most 52428800 bytes (50 MB)"),
        ("bad.gz", vec![0x1f, 0x8b, 1, 2, 3], "looks gzip-compressed but cannot be inflated"),
    ];
    for (name, bytes, expected) in cases {
        let e = user_file(name, bytes).unwrap_err();
        assert!(e.contains(expected), "{name}: {e}");
    }
}

#[test]
fn a_small_gzip_file_cannot_inflate_past_the_size_limit() {
    let bomb = gzip(&vec![b'a'; MAX_BYTES + 10]);
    assert!(bomb.len() < 1 << 20);
    let e = maybe_gunzip(bomb).unwrap_err();
    assert!(e.contains("once uncompressed"), "{e}");
    assert_eq!(maybe_gunzip(b"plain".to_vec()).unwrap(), b"plain");
}

#[test]
fn urls_are_checked_and_named_by_their_last_part() {
    assert_eq!(url_name("https://example.org/data/news.csv?x=1#top"), "news.csv");
    assert_eq!(url_name("https://example.org/data/"), "data");
    assert!(check_url("https://example.org/a.csv").is_ok());
    assert!(check_url("  ").unwrap_err().contains("type the address"));
    assert!(check_url("file:///etc/passwd").unwrap_err().contains("is not a web address"));
}

/// The refusals speak the page's language (German here; the language is the thread's), naming
/// the file and keeping the figures as they are; English reads as it always did.
#[test]
fn refusals_speak_the_language_set() {
    use unroll::engine::backend::{BackendKind, MAX_STEP_SECONDS};
    use unroll::engine::model::footprint::{bytes_text, seconds_text, Footprint};
    use unroll::i18n::{set_lang, Lang};
    use unroll::lesson::{check_fits, Estimate, LessonError};

    let footprint = Footprint { weights: 1 << 40, gradients: 1 << 40, data: 5_000_000, ..Footprint::default() };
    let estimate = Estimate { footprint, seconds_per_step: 0.002 };
    let refuse = |instead: Option<&str>| match check_fits(BackendKind::Cpu, estimate, || instead.map(str::to_string)) {
        Err(e @ LessonError::TooBig(_)) => e.to_string(),
        other => panic!("{other:?}"),
    };
    // English: today's text, byte for byte.
    let english = format!(
        "this model would need {} of memory (weights {}, gradients {}, optimiser {}, the states kept for backpropagation \
         through time {}, workspace {}, data {}) and {} per training step; this engine holds at most {} and must answer within {}",
        bytes_text(footprint.bytes()),
        bytes_text(footprint.weights),
        bytes_text(footprint.gradients),
        bytes_text(0),
        bytes_text(0),
        bytes_text(0),
        bytes_text(footprint.data),
        seconds_text(0.002),
        bytes_text(BackendKind::Cpu.memory_budget()),
        seconds_text(MAX_STEP_SECONDS),
    );
    assert_eq!(refuse(Some("A batch of 8")), format!("{english}. A batch of 8 would fit"));
    assert_eq!(refuse(None), format!("{english}. Use fewer units, layers or a smaller batch"));
    assert_eq!(LessonError::Finished(3).to_string(), "training is over: all 3 epochs are done (Reset starts again)");

    set_lang(Lang::De);
    let german = refuse(Some("ein Batch von 8"));
    let too_large = user_file("{model}.csv", vec![b'a'; MAX_BYTES + 1]).unwrap_err();
    let one_class = user_file("eins.csv", b"label,text\na,x\na,y\n".to_vec()).unwrap_err();
    let url = check_url("{url}").unwrap_err();
    let finished = LessonError::Finished(3).to_string();
    set_lang(Lang::En);

    assert!(german.starts_with("dieses Modell bräuchte ") && german.contains(&bytes_text(footprint.data)), "{german}");
    assert!(german.ends_with(". Passen würde: ein Batch von 8"), "{german}");
    assert_eq!(too_large, "{model}.csv: die Datei ist 52428801 Bytes groß; höchstens 52428800 Bytes (50 MB) können geladen werden");
    assert!(one_class.starts_with("eins.csv: die Daten haben nur eine Klasse (\"a\")"), "{one_class}");
    assert_eq!(url, "„{url}“ ist keine Webadresse (sie sollte mit https:// beginnen)");
    assert!(finished.starts_with("das Training ist beendet: alle 3 Epochen"), "{finished}");
    // Back in English on this thread.
    assert!(user_file("eins.csv", b"label,text\na,x\na,y\n".to_vec()).unwrap_err().contains("only one class"));
}
