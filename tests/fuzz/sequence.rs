//! The typed-sequence parser: the text box of the typed lesson, and `sequence=` in a link.

use proptest::prelude::*;
use unroll::data::series::{parse_sequence, MAX_MAGNITUDE, MAX_TYPED, MIN_TYPED};

use crate::mutate::mutated_text;

const SEEDS: &[&str] =
    &["1, 2, 3, 4", "0 0.84 0.91 0.14 -0.75", "1;2;3;4;5;6", "1e3, -2.5e-3, 7, 8\n9\t10", "5, 5, 5, 5", "1, 2, x, 4", "1e15, -1e15, 0, 1"];

proptest! {
    #![proptest_config(crate::config())]

    /// Any text gives a sequence within the limits, or a message.
    #[test]
    fn typed_sequences_parse_or_say_why(text in prop_oneof![
        4 => mutated_text(SEEDS),
        1 => prop::collection::vec(any::<f64>(), 0..40).prop_map(|v| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(", ")),
    ]) {
        match parse_sequence(&text) {
            Ok(v) => {
                prop_assert!((MIN_TYPED..=MAX_TYPED).contains(&v.len()));
                prop_assert!(v.iter().all(|x| x.is_finite() && x.abs() <= MAX_MAGNITUDE), "{v:?}");
            }
            Err(e) => {
                let m = e.to_string();
                prop_assert!(!m.trim().is_empty());
                prop_assert!(m.len() <= 1000, "a message of {} bytes", m.len());
            }
        }
    }
}
