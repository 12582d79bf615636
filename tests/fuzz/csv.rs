//! The CSV reader: `labeled_csv::parse` (with and without fixed classes) and the user-file path
//! `news_source::user_file` (plain or gzip, as the page's file picker hands it over).

use std::io::Write;

use proptest::prelude::*;
use unroll::data::labeled_csv::{parse, MAX_CLASSES};
use unroll::lesson::news_source::user_file;

use crate::mutate::{apply, mutated_bytes, mutation};

const SEEDS: &[&str] = &[
    "\"3\",\"Stocks up\",\"Markets rose.\"\n\"1\",\"Vote held\",\"A vote, at last.\"\n\"2\",\"Cup final\",\"\"\n\"4\",\"New chip\",\"Fast.\"\n",
    "0,good film\n1,bad film\n0,great\n1,awful\n",
    "id,Sentence,Category,extra\n1,I loved it,pos,x\n2,Awful,neg,y\n3,\"Fine, really\",pos,z\n4,Meh,neutral,w\n",
    "\u{feff}label,title,description\n1,A,b c\n2,D,e\n1,\"x\"\"y\",z\n",
    "label,text\n1,ok\n2\n3,\"unterminated\n",
    "class,headline\r\n-1,a\r\n99999999999999999999,b\r\nNaN,c\r\n0,d\r\n",
];

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Mutated CSV files, some compressed, some compressed and then corrupted.
fn files() -> impl Strategy<Value = Vec<u8>> {
    let seeds: Vec<Vec<u8>> = SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
    (mutated_bytes(seeds), 0u8..4, prop::collection::vec(mutation(), 0..3)).prop_map(|(b, how, ms)| match how {
        0 => gzip(&b),
        1 => {
            let mut z = gzip(&b);
            for m in &ms {
                apply(&mut z, m);
            }
            z
        }
        _ => b,
    })
}

proptest! {
    #![proptest_config(crate::config())]

    /// Any file gives rows within the promised bounds, or a message naming the file.
    #[test]
    fn user_files_load_or_say_why(bytes in files()) {
        let size = bytes.len();
        match user_file("data.csv", bytes) {
            Ok((data, summary)) => {
                prop_assert!(summary.train_rows + summary.test_rows >= 2);
                prop_assert!((2..=MAX_CLASSES).contains(&data.classes.len()), "{} classes", data.classes.len());
                prop_assert!(summary.bad_rows.len() <= summary.bad_count);
            }
            Err(e) => {
                prop_assert!(e.starts_with("data.csv: ") && e.len() > "data.csv: ".len(), "{e}");
                prop_assert!(e.len() <= 2000 + size / 10, "a message of {} bytes", e.len());
            }
        }
    }

    /// The reader itself, also with the classes of a training file fixed.
    #[test]
    fn csv_parses_or_says_why(bytes in mutated_bytes(SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect()), fixed in any::<bool>()) {
        let classes: Vec<String> = ["1", "2", "3", "pos"].iter().map(|s| s.to_string()).collect();
        match parse(&bytes, fixed.then_some(&classes[..])) {
            Ok(d) => {
                prop_assert!(d.items.iter().all(|i| (i.label as usize) < d.classes.len()));
                prop_assert!(d.classes.len() <= MAX_CLASSES);
                for b in &d.bad {
                    prop_assert!(!b.problem.trim().is_empty());
                }
            }
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
        }
    }
}
