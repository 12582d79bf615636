//! The page's two languages (app/i18n): every key has a text in both, with the same
//! placeholders, German says it in German, and the language comes from the link or the browser.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::i18n::{fill, placeholders, Lang, Text, DE, EN};

#[test]
fn no_key_is_missing_or_empty_in_either_language() {
    let (en, de) = (EN.entries(), DE.entries());
    let same = Text::same_in_german();
    assert_eq!(en.len(), de.len());
    assert!(en.len() > 30, "{} keys", en.len());
    for ((ke, te), (kd, td)) in en.iter().zip(&de) {
        assert_eq!(ke, kd);
        assert!(!te.trim().is_empty(), "{ke} is empty in English");
        assert!(!td.trim().is_empty(), "{kd} is empty in German");
        assert_eq!(placeholders(te), placeholders(td), "{ke}: the languages fill in different values");
        if same.contains(ke) {
            assert_eq!(te, td, "{ke} is listed in SAME_IN_GERMAN but differs");
        } else {
            assert_ne!(te, td, "{ke} is not translated (or belongs in its part's SAME_IN_GERMAN)");
        }
    }
    // Keys are unique (two parts may not share a name with a dot).
    let mut keys: Vec<_> = en.iter().map(|(k, _)| k.clone()).collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), en.len());
}

#[test]
fn the_language_comes_from_a_tag() {
    assert_eq!(Lang::parse("de"), Some(Lang::De));
    assert_eq!(Lang::parse("de-AT"), Some(Lang::De));
    assert_eq!(Lang::parse("DE_ch"), Some(Lang::De));
    assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
    assert_eq!(Lang::parse("fr"), None);
    assert_eq!(Lang::parse(""), None);
    assert_eq!(Lang::preferred(["fr-FR", "de-DE", "en"]), Lang::De);
    assert_eq!(Lang::preferred(["fr-FR", "es"]), Lang::En);
    assert_eq!(Lang::preferred([]), Lang::En);
    for l in Lang::ALL {
        assert_eq!(Lang::parse(l.code()), Some(l));
    }
}

#[test]
fn placeholders_are_filled_and_found() {
    assert_eq!(fill("{n} more on their way", &[("n", &3)]), "3 more on their way");
    assert_eq!(fill("{a} and {b}", &[("b", &"B"), ("a", &1.5)]), "1.5 and B");
    assert_eq!(fill("{a}, {a} {unknown} {", &[("a", &1)]), "1, 1 {unknown} {");
    // A value is never read again: a file named `{model}.json` stays so named.
    assert_eq!(fill("{name}: {model}", &[("name", &"{model}.json"), ("model", &"LSTM")]), "{model}.json: LSTM");
    assert_eq!(fill("{name}: {model}", &[("model", &"{name}"), ("name", &"x")]), "x: {name}");
    assert_eq!(
        placeholders("{model} · {weights} weights, {{not}} {x-y} {}").into_iter().collect::<Vec<_>>(),
        vec!["model", "not", "weights"]
    );
}

#[test]
fn the_estimate_reads_as_the_command_line_prints_it_in_english() {
    use unroll::engine::model::footprint::Footprint;
    use unroll::lesson::Estimate;
    let e = Estimate { footprint: Footprint { weights: 4_500_000, ..Footprint::default() }, seconds_per_step: 0.0024 };
    assert_eq!(unroll::i18n::estimate(&e), e.text());
}

#[test]
fn the_engine_line_speaks_the_language_set() {
    use unroll::i18n::set_lang;
    use unroll::lesson::pacing::Timing;
    let timing = Timing { cpu_ms: 10.0, gpu_ms: 31.0 };
    assert_eq!(timing.verdict().1, "auto: 3.1× faster than WebGPU here (10.0 vs 31.0 ms a step)");
    // The language is the thread's (the page's, or the worker's once the page told it).
    set_lang(Lang::De);
    let german = timing.verdict().1;
    set_lang(Lang::En);
    assert_eq!(german, "auto: 3.1× schneller als WebGPU hier (10.0 gegen 31.0 ms pro Schritt)");
}
