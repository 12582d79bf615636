//! The URL decoder: `Settings::from_query` (every link the page opens) and `settings::decode`.

use proptest::prelude::*;
use unroll::settings::{decode, Settings, Task};

use crate::mutate::mutated_text;

fn seeds() -> Vec<String> {
    let mut seeds: Vec<String> =
        include_str!("../fixtures/links.txt").lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).map(str::to_string).collect();
    for task in [Task::Sine, Task::Typed, Task::Agnews] {
        seeds.push(Settings::defaults_for(task).to_query());
    }
    seeds.push("?v=1&task=typed&sequence=1%2C2%2C3%2C4&data-url=https%3A%2F%2Fexample.com%2Fa.csv".into());
    seeds
}

proptest! {
    #![proptest_config(crate::config())]

    /// Any query opens: every problem is a message naming its key, no more problems than pairs,
    /// messages of bounded length, and the settings it gives make a link that opens as the same
    /// settings without a problem.
    #[test]
    fn url_queries_open_with_messages(q in mutated_text(&seeds().iter().map(String::as_str).collect::<Vec<_>>())) {
        let (s, problems) = Settings::from_query(&q);
        prop_assert!(problems.len() <= q.split('&').count() + 1, "{} problems for {} pairs", problems.len(), q.split('&').count());
        for p in &problems {
            prop_assert!(!p.message.trim().is_empty(), "empty message for key {:?}", p.key);
            prop_assert!(p.to_string().len() <= 1000, "a message of {} bytes: {}", p.to_string().len(), p);
        }
        let again = s.to_query();
        let (back, problems) = Settings::from_query(&again);
        prop_assert!(problems.is_empty(), "{again} -> {problems:?}");
        prop_assert_eq!(back.to_query(), again);
    }

    /// Decoding never grows a text by more than 3 bytes a byte (a byte that is not UTF-8 becomes
    /// U+FFFD), and every text encodes and decodes back to itself.
    #[test]
    fn decoding_stays_within_the_input(q in mutated_text(&["a%20b+c", "%F0%9F%98%80", "%zz%", "%E2%80%AE&x=%3Cscript%3E"])) {
        let d = decode(&q);
        prop_assert!(d.len() <= 3 * q.len(), "{} bytes from {}", d.len(), q.len());
        prop_assert_eq!(decode(&unroll::settings::encode(&q)), q);
    }
}
