//! Embedding: the page's own link fields and the postMessage API's messages (app/embed.rs).

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use serde_json::json;
use unroll::app::embed::{EmbedOptions, Incoming, Outgoing, Panel, API_VERSION};
use unroll::settings::Settings;

fn options(query: &str) -> (EmbedOptions, Vec<String>) {
    let pairs = Settings::link_pairs(query, "");
    let (o, problems) = EmbedOptions::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    (o, problems.iter().map(|p| p.to_string()).collect())
}

#[test]
fn a_plain_link_shows_everything_and_obeys_no_one() {
    let (o, problems) = options("cell=lstm&units=32");
    assert!(problems.is_empty());
    assert_eq!(o, EmbedOptions::default());
    assert!(!o.embed && Panel::ALL.iter().all(|(p, _)| o.shows(*p)));
    assert!(!o.allows("https://course.example.org"));
    assert_eq!(o.to_query(), "");
    // The experiment's settings do not see the page's fields.
    let (s, problems) = Settings::from_query("embed=true&show=loss&autostart=1&origins=https%3A%2F%2Fa.example&units=8");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(s.units, 8);
}

#[test]
fn an_embed_link_names_its_panels_autostart_and_origins() {
    let (o, problems) = options(
        "embed=true&show=controls,chain,chain&autostart=1&origins=https%3A%2F%2FCourse.Example.org%2F,http%3A%2F%2F127.0.0.1%3A8081",
    );
    assert!(problems.is_empty(), "{problems:?}");
    assert!(o.embed && o.autostart);
    assert_eq!(o.show, [Panel::Controls, Panel::Chain], "repeated panels count once");
    assert_eq!(o.origins, ["https://course.example.org", "http://127.0.0.1:8081"], "as browsers write MessageEvent.origin");
    assert!(o.allows("http://127.0.0.1:8081") && !o.allows("http://127.0.0.1:8082") && !o.allows("null"));
    // Written back beside the settings, and read again the same.
    let (again, _) = options(&o.to_query());
    assert_eq!(again, o);
    // Embedded without `show`: Train, the loss and the generation chart.
    assert_eq!(options("embed=1").0.show, Panel::DEFAULT_EMBED);
}

#[test]
fn bad_embed_fields_are_named_and_fall_back() {
    let (o, problems) =
        options(&format!("embed=maybe&show=loss,{}&origins=javascript:alert(1),ftp://x,https://ok.example", "x".repeat(5000)));
    assert!(!o.embed);
    assert_eq!(o.show, [Panel::Loss]);
    assert_eq!(o.origins, ["https://ok.example"]);
    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(problems.iter().all(|p| p.len() < 200), "short: {problems:?}");
    assert!(problems[1].contains("is not a panel (one of: controls, lessons"), "{problems:?}");
}

#[test]
fn incoming_messages_are_read_or_refused_with_a_reason() {
    let v = API_VERSION;
    assert_eq!(Incoming::parse(&json!({"unroll": v, "type": "start"})), Ok(Some(Incoming::Start)));
    assert_eq!(Incoming::parse(&json!({"unroll": v, "type": "pause"})), Ok(Some(Incoming::Pause)));
    assert_eq!(Incoming::parse(&json!({"unroll": v, "type": "reset"})), Ok(Some(Incoming::Reset)));
    assert_eq!(Incoming::parse(&json!({"unroll": v, "type": "step"})), Ok(Some(Incoming::Step)));
    assert_eq!(
        Incoming::parse(&json!({"unroll": v, "type": "set", "settings": {"cell": "lstm", "units": 32, "peephole": true}})),
        Ok(Some(Incoming::Set(vec![("cell".into(), "lstm".into()), ("peephole".into(), "true".into()), ("units".into(), "32".into())])))
    );
    // Other scripts' messages are not for this API.
    assert_eq!(Incoming::parse(&json!({"type": "start"})), Ok(None));
    assert_eq!(Incoming::parse(&json!("hello")), Ok(None));
    assert!(Incoming::parse(&json!({"unroll": 2, "type": "start"})).unwrap_err().contains("version 1"));
    assert!(Incoming::parse(&json!({"unroll": v, "type": "explode"})).unwrap_err().contains("unknown message type `explode`"));
    assert!(Incoming::parse(&json!({"unroll": v, "type": "set"})).unwrap_err().contains("needs `settings`"));
}

#[test]
fn outgoing_events_carry_the_version_and_their_type() {
    assert_eq!(
        Outgoing::Step { step: 3, loss: Some(0.5), accuracy: None }.to_json(),
        json!({"unroll": 1, "type": "step", "step": 3, "loss": 0.5})
    );
    assert_eq!(Outgoing::Paused { step: 7 }.to_json(), json!({"unroll": 1, "type": "paused", "step": 7}));
    assert_eq!(
        Outgoing::Ready { task: "sine".into(), settings: "v=3".into() }.to_json(),
        json!({"unroll": 1, "type": "ready", "task": "sine", "settings": "v=3"})
    );
    assert_eq!(Outgoing::Finished { test_accuracy: Some(0.75) }.to_json()["type"], "finished");
    assert_eq!(Outgoing::Error { message: "no".into() }.to_json()["message"], "no");
}

#[test]
fn every_page_field_is_read_by_the_page_and_left_alone_by_the_settings() {
    use unroll::settings::PAGE_KEYS;
    for key in PAGE_KEYS {
        // The page reads it: a bad value is reported under its name.
        let (_, problems) = EmbedOptions::from_pairs([(*key, "§not-valid§")]);
        assert!(problems.iter().any(|p| p.key == *key), "{key}: {problems:?}");
        // The experiment's settings do not (no "unknown field" for it).
        let (_, problems) = Settings::from_pairs(&[(key.to_string(), "§not-valid§".to_string())]);
        assert!(problems.is_empty(), "{key}: {problems:?}");
    }
}

#[test]
fn the_language_is_a_page_field() {
    use unroll::i18n::Lang;
    let (o, problems) = options("lang=de-AT");
    assert_eq!(o.lang, Some(Lang::De));
    assert!(problems.is_empty());
    assert_eq!(o.to_query(), "lang=de");
    let (o, problems) = options("lang=klingon");
    assert_eq!(o.lang, None);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("not a language of the page (one of: en, de)"), "{problems:?}");
    assert_eq!(options("").0.to_query(), "");
}
