//! The experiment settings: one struct, its URL form, and its checks.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use unroll::settings::{Cell, Settings, Task, Training, VERSION};

#[test]
fn defaults_are_the_courses_model() {
    let s = Settings::default();
    assert_eq!((s.cell, s.units, s.layers, s.seq_len, s.batch), (Cell::Rnn, 100, 1, 30, 32));
    assert_eq!(s.activation.as_str(), "relu");
    assert_eq!((s.lr, s.optimizer.as_str()), (1e-3, "adam"));
    assert_eq!((s.x_min, s.x_max, s.points, s.gen_steps), (0.0, 10.0, 250, 200));
    s.validate().unwrap();
}

#[test]
fn the_url_reproduces_the_settings() {
    let s = Settings {
        cell: Cell::Gru,
        units: 17,
        lr: 0.0025,
        seed: u64::MAX,
        task: Task::Typed,
        series: "1, 2, 3.5 -4 & 5?".into(),
        ..Settings::default()
    };
    let q = s.to_query();
    assert!(q.contains("cell=gru") && q.contains("units=17") && q.contains("seq-len=30"), "{q}");
    let (back, problems) = Settings::from_query(&format!("?{q}"));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(back, Settings { steps: Settings::default().steps, ..s });
}

#[test]
fn unknown_and_bad_fields_warn_and_fall_back() {
    let (s, problems) = Settings::from_query("cell=transformer&units=0&lr=abc&colour=blue&layers=2&x-min=5&x-max=1");
    let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, vec!["cell", "units", "lr", "colour", "x-max"], "{problems:?}");
    assert_eq!(s.cell, Cell::Rnn);
    assert_eq!(s.units, 100);
    assert_eq!(s.layers, 2, "good fields still apply");
    assert_eq!((s.x_min, s.x_max), (0.0, 10.0));
    assert!(problems[0].message.contains("rnn, lstm, gru"), "{}", problems[0].message);
    s.validate().unwrap();
}

#[test]
fn set_checks_ranges_and_names_the_field() {
    let mut s = Settings::default();
    let e = s.set("units", "100000").unwrap_err();
    assert_eq!(e.key, "units");
    assert!(e.message.contains("between 1 and 512"), "{}", e.message);
    assert!(s.set("lr", "NaN").is_err());
    assert!(s.set("lr", "inf").is_err());
    assert!(s.set("v", &(VERSION + 1).to_string()).is_err(), "a future version is refused, not misread");
    s.set("clip-norm", "1.5").unwrap();
    assert_eq!(s.clip(), unroll::engine::train::Clipping::GlobalNorm(1.5));
}

#[test]
fn a_fields_message_says_what_was_expected_in_the_pages_language() {
    let (_, problems) = Settings::from_query("units=many&lr=abc&peephole=maybe&cell=transformer&layers=9&colour=blue");
    let messages: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "units: `many` is not valid: expected a whole number",
            "lr: `abc` is not valid: expected a number",
            "peephole: `maybe` is not valid: expected true or false",
            "cell: `transformer` is not valid: expected one of: rnn, lstm, gru",
            "layers: must be between 1 and 3, got 9",
            "colour: unknown setting",
        ]
    );
    unroll::i18n::set_lang(unroll::i18n::Lang::De);
    let (_, problems) = Settings::from_query("units=many&layers=9&colour=blue&lr=20");
    let long = Settings::from_query("x-min=5&x-max=1").1;
    unroll::i18n::set_lang(unroll::i18n::Lang::En);
    let messages: Vec<String> = problems.iter().chain(&long).map(ToString::to_string).collect();
    assert_eq!(
        messages,
        [
            "units: `many` ist nicht gültig: erwartet wird eine ganze Zahl",
            "layers: muss zwischen 1 und 3 liegen, erhalten: 9",
            "colour: unbekannte Einstellung",
            "lr: muss eine Zahl zwischen 0.0000001 und 10 sein, erhalten: 20",
            "x-max: muss größer als x-min sein; verwendet wird 0 bis 10",
        ]
    );
}

/// Links the page wrote before the settings were tagged per lesson (stop 12; copied from its
/// address bar) open the same experiment, and the page writes them back to the letter.
#[test]
fn links_made_before_keep_working() {
    let old = [
        "v=1&task=sine&cell=rnn&units=100&layers=1&activation=relu&seq-len=30&batch=32&optimizer=adam&lr=0.001&lr-schedule=constant&momentum=0&dropout=0&recurrent-dropout=0&peephole=false&clip-norm=0&seed=1&amplitude=1&frequency=1&noise=0&x-min=0&x-max=10&points=250&gen-steps=200",
        "v=1&task=typed&cell=lstm&units=100&layers=1&activation=relu&seq-len=30&batch=32&optimizer=adam&lr=0.001&lr-schedule=constant&momentum=0&dropout=0&recurrent-dropout=0&peephole=true&clip-norm=0&seed=1&amplitude=1&frequency=1&noise=0&x-min=0&x-max=10&points=250&gen-steps=200&series=1%2C%203%2C%202%2C%205",
        "v=1&task=agnews&cell=gru&units=128&layers=1&activation=tanh&batch=32&optimizer=adam&lr=0.0015&lr-schedule=cosine&momentum=0&dropout=0.5&recurrent-dropout=0.3&peephole=false&clip-norm=0&seed=9&preset=gru-tuned&text=both&vocab=20000&embed-dim=64&mask=true&bidirectional=false&bucket=true&max-len=0&epochs=4&val-share=0&average-last=3&data-url=https%3A%2F%2Fexample.org%2Fa.csv&restore-best=true",
        "v=1&task=agnews&cell=lstm&units=64&layers=2&activation=tanh&batch=32&optimizer=adam&lr=0.002&lr-schedule=cosine&momentum=0&dropout=0&recurrent-dropout=0&peephole=false&clip-norm=0&seed=1&preset=bilstm&text=both&vocab=20000&embed-dim=128&mask=false&bidirectional=true&bucket=false&max-len=40&epochs=3&val-share=0.05&average-last=0&restore-best=true",
    ];
    for q in old {
        let (s, problems) = Settings::from_query(q);
        assert!(problems.is_empty(), "{q}: {problems:?}");
        // Written back in this version with every other pair it had, in its order; settings added
        // since appear at their defaults (e.g. `predict`, stop 13), or at the value the old
        // version meant where the default has changed (`training`: version 1 trained with
        // teacher forcing).
        let back = s.to_query();
        assert!(back.starts_with(&format!("v={VERSION}&")), "{back}");
        let pairs: Vec<&str> = back.split('&').collect();
        let kept: Vec<&str> = pairs.iter().copied().filter(|p| q.split('&').any(|o| o == *p)).collect();
        assert_eq!(kept.join("&"), q.strip_prefix("v=1&").unwrap(), "{back}");
        let defaults = Settings::defaults_for(s.task).to_query();
        for added in pairs.iter().skip(1).filter(|p| !q.split('&').any(|o| o == **p)) {
            assert!(defaults.split('&').any(|d| d == *added) || ["warmup=0", "amsgrad=false"].contains(added), "{added} is a default");
        }
        if s.task != Task::Agnews {
            assert_eq!(
                (s.training, s.warmup, s.amsgrad),
                (Training::Teacher, 0, false),
                "{q}: version 1 trained every series model with teacher forcing, every step scored, plain Adam"
            );
        }
        // Read again, the link it became opens the same experiment.
        let (again, problems) = Settings::from_query(&back);
        assert!(problems.is_empty() && again == s, "{back}: {problems:?}");
    }
    let typed = Settings::from_query(old[1]).0;
    assert_eq!((typed.task, typed.cell, typed.peephole, typed.series.as_str()), (Task::Typed, Cell::Lstm, true, "1, 3, 2, 5"));
    let news = Settings::from_query(old[2]).0;
    assert_eq!((news.units, news.epochs, news.average_last, news.data_url.as_str()), (128, 4, 3, "https://example.org/a.csv"));
    // Each lesson's link carries the shared settings and its own, never the other lesson's.
    assert!(!old[0].contains("vocab=") && !old[2].contains("seq-len="));
}

/// A link of this version that leaves `training` and `warmup` out trains with teacher forcing
/// after a warm-up of 15 steps (today's defaults); one of version 1 trains with teacher forcing,
/// every step scored (that version's only way), one of version 2 free-running, every step scored;
/// one that names them keeps what it names. The command line reads `--v 1` the same way.
#[test]
fn an_older_version_means_the_defaults_of_its_time() {
    let read = |q: &str| {
        let s = Settings::from_query(q).0;
        (s.training, s.warmup)
    };
    assert_eq!(read("task=sine&seed=3"), (Training::Teacher, 15));
    assert_eq!(read(&format!("v={VERSION}&task=sine")), (Training::Teacher, 15));
    let (old, problems) = Settings::from_query("v=1&task=sine&seed=3");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((old.version, old.training, old.warmup, old.seed), (VERSION, Training::Teacher, 0, 3));
    assert_eq!(read("v=2&task=sine"), (Training::Free, 0));
    assert_eq!(read("training=free&v=1"), (Training::Free, 0), "named, whatever the order");
    assert_eq!(read("v=2&warmup=5"), (Training::Free, 5));
    assert_eq!(read("v=1&task=typed&series=1,2,3,4"), (Training::Teacher, 0));
    // Adam's AMSGrad variant came with version 3 (the series default; news presets use plain Adam).
    let ams = |q: &str| Settings::from_query(q).0.amsgrad;
    assert!(ams("task=sine") && !ams("v=2&task=sine") && !ams("v=1&task=typed&series=1,2") && ams("v=2&amsgrad=true"));
    assert!(!ams("task=agnews") && !ams("v=2&task=agnews&preset=gru"));
    // A link the page wrote at version 2 (stop 15), read and written back.
    let v2 = "v=2&task=sine&cell=gru&units=100&layers=1&activation=relu&seq-len=30&batch=32&optimizer=adam&lr=0.001&lr-schedule=constant&momentum=0&dropout=0&recurrent-dropout=0&peephole=false&clip-norm=0&seed=4&amplitude=1&frequency=1&noise=0&x-min=0&x-max=10&points=250&predict=value&training=free&free-steps=0&gen-from=data&gen-start=0&gen-steps=200";
    let (s, problems) = Settings::from_query(v2);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!((s.cell, s.seed, s.training, s.warmup, s.amsgrad), (Cell::Gru, 4, Training::Free, 0, false));
    let back = s.to_query();
    assert!(
        back.starts_with(&format!("v={VERSION}&"))
            && back.contains("&training=free&warmup=0&free-steps=0&")
            && back.contains("&amsgrad=false&"),
        "{back}"
    );
    assert_eq!(Settings::from_query(&back).0, s);
    // A news link carries no series settings, so there is nothing to change.
    let news = Settings::from_query("v=1&task=agnews&preset=bilstm").0;
    assert_eq!((news.version, news.training), (VERSION, Settings::default().training));
    let mut cli = Settings::default();
    assert!(cli.apply_pairs([("v", "1")]).is_empty());
    assert_eq!((cli.training, cli.warmup), (Training::Teacher, 0));
    let (_, refused) = Settings::from_query("v=0&task=sine");
    assert_eq!(refused.len(), 1, "an unknown version is still refused: {refused:?}");
}

/// One field read by name is what the full list says it is, and every field belongs to a part.
#[test]
fn a_field_is_read_by_its_name_and_belongs_to_one_part() {
    use unroll::settings::{Part, FIELDS};
    let (s, _) = Settings::from_query("task=agnews&preset=bilstm&seed=5");
    for (k, v) in s.pairs() {
        assert_eq!(s.get(k).as_deref(), Some(v.as_str()), "{k}");
        assert!(Part::of(k).is_some(), "{k} has a part");
    }
    assert_eq!(s.get("colour"), None);
    let parts: usize = [Part::Shared, Part::Series, Part::News].iter().map(|p| p.keys().count()).sum();
    assert_eq!(parts, FIELDS.len(), "each field in exactly one part");
    assert!(Part::Series.keys().all(|k| Part::News.keys().all(|n| n != k)));
    assert_eq!(Task::Agnews.part(), Part::News);
    assert_eq!(Settings::defaults_for(Task::Agnews).units, 16, "the news lesson starts from its default preset");
}

/// A link with absurd parts still opens: a huge value or key is named in a message of a few
/// dozen characters (the notice once printed a 100,000-character value whole), markup is just
/// text, and the valid fields still apply.
#[test]
fn absurd_links_give_short_messages_and_keep_the_valid_fields() {
    let huge = "9".repeat(100_000);
    let script = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let q = format!(
        "units={huge}&{huge}=1&cell=lstm&seed={}&data-url={}&task=agnews&vocab=abc",
        unroll::settings::encode(script),
        "x".repeat(5000)
    );
    let (s, problems) = Settings::from_query(&q);
    assert_eq!(s.cell, Cell::Lstm, "the valid fields apply");
    assert_eq!(s.task, Task::Agnews);
    assert_eq!(problems.len(), 5, "{problems:?}");
    for p in &problems {
        let text = p.to_string();
        assert!(text.chars().count() < 300, "{} characters: {}", text.len(), &text[..300]);
    }
    assert!(problems.iter().any(|p| p.key.starts_with("9999") && p.key.ends_with("(100000 characters)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.message.contains("(100000 characters)")), "{problems:?}");
    assert!(problems.iter().any(|p| p.key == "seed" && p.message.contains("<script>")), "markup is named as text: {problems:?}");
    s.validate().unwrap();
}

/// A typed sequence in a link has the text box's limit, said in the box's words: 10,000 numbers
/// open however long their text (the link once refused them past 200,000 characters), 10,001 are
/// refused as the box refuses them.
#[test]
fn a_typed_sequence_in_a_link_has_the_boxs_limit() {
    use unroll::data::series::{parse_sequence, MAX_TYPED};
    let long: Vec<String> = (0..MAX_TYPED).map(|i| format!("{:.16}", (i as f64 * 0.01).sin())).collect();
    let series = long.join(", ");
    assert!(series.len() > 200_000);
    let q = format!("task=typed&series={}", unroll::settings::encode(&series));
    let (s, problems) = Settings::from_query(&q);
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(parse_sequence(&s.series).unwrap().len(), MAX_TYPED);
    let over = format!("{series}, 1");
    let (s, problems) = Settings::from_query(&format!("task=typed&series={}", unroll::settings::encode(&over)));
    assert_eq!(s.series, "", "refused");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].message, parse_sequence(&over).unwrap_err().to_string(), "the box's own words");
}

/// The corpus of links made by every version of the page (tests/fixtures/links.txt): each opens
/// without a problem, the link the page writes back opens the same experiment, and a link of
/// this version is written back to the letter.
#[test]
fn every_link_ever_made_keeps_opening() {
    let corpus = include_str!("../fixtures/links.txt");
    let links: Vec<&str> = corpus.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    assert!(links.len() >= 14, "the corpus is read: {}", links.len());
    for link in links {
        let (s, problems) = Settings::from_query(link);
        assert!(problems.is_empty(), "{link}: {problems:?}");
        let back = s.to_query();
        assert_eq!(Settings::from_query(&back), (s, vec![]), "{link} → {back}");
        if link.starts_with(&format!("v={VERSION}&")) {
            assert_eq!(back, link, "a link of this version is written back as it was");
        }
    }
}

/// The page's link puts the typed sequence behind `#` (servers refuse long request lines; the
/// fragment never leaves the browser) and reads both parts back; an older link with the sequence
/// in its query still opens.
#[test]
fn a_link_carries_the_typed_sequence_in_its_fragment() {
    let s = Settings { task: Task::Typed, series: "1, 2, 3, 5, 8".into(), ..Settings::default() };
    let (query, fragment) = s.to_link();
    assert_eq!(fragment, "series=1%2C%202%2C%203%2C%205%2C%208");
    assert!(!query.contains("series") && query.starts_with(&format!("v={VERSION}&task=typed&")), "{query}");
    assert_eq!(Settings::from_link(&format!("?{query}"), &format!("#{fragment}")), (Settings { steps: s.steps, ..s.clone() }, vec![]));
    assert_eq!(Settings::from_link(&s.to_query(), ""), (s.clone(), vec![]), "the sequence in the query");
    let (sine_query, none) = Settings::default().to_link();
    assert_eq!((sine_query, none), (Settings::default().to_query(), String::new()));
    let (_, problems) = Settings::from_link("units=0", "#cell=cnn");
    assert_eq!(problems.iter().map(|p| p.key.as_str()).collect::<Vec<_>>(), ["units", "cell"], "both parts are checked");
}

/// The fuzzer's tricky links (tests/fuzz): each opens, every problem is a short message, and the
/// settings they give make a link that opens as the same settings without a problem.
#[test]
fn tricky_links_open_and_reopen_unchanged() {
    let long = "9".repeat(100_000);
    let links = [
        "%",
        "%%=%zz",
        "&&&==&=",
        "task=%F0%9F%98&units=%C3%28",
        "v=1&v=99999999999999999999&task=typed&task=agnews",
        "task=typed&sequence=NaN%2Cinf%2C1e999",
        "<script>alert(1)</script>=<img src=x onerror=alert(1)>",
        "units=-1&layers=18446744073709551616&lr=NaN&seed=-0",
        "x-min=1e999&x-max=-1e999",
        "data-url=javascript:alert(1)&task=agnews",
        "\u{202e}task=sine\0",
    ];
    for q in links.iter().copied().chain([format!("units={long}").as_str(), format!("{long}=1").as_str()]) {
        let (s, problems) = Settings::from_query(q);
        for p in &problems {
            assert!(!p.message.trim().is_empty() && p.to_string().len() < 1000, "{q:.40}: {p}");
        }
        let again = s.to_query();
        let (back, problems) = Settings::from_query(&again);
        assert!(problems.is_empty(), "{q:.40} -> {again}: {problems:?}");
        assert_eq!(back.to_query(), again);
    }
}

/// The news lesson starts as its preset says (the page's "some fields differ from this preset"
/// stays hidden), and every preset describes the fields it sets.
#[test]
fn each_preset_describes_the_settings_it_makes() {
    use unroll::settings::Preset;
    let start = Settings::defaults_for(Task::Agnews);
    let mut again = start.clone();
    start.preset.apply(&mut again);
    assert_eq!(again, start);
    for p in [Preset::RnnTitle, Preset::Rnn, Preset::Lstm, Preset::Bilstm, Preset::Gru, Preset::GruTuned] {
        let mut s = start.clone();
        p.apply(&mut s);
        let mut twice = s.clone();
        s.preset.apply(&mut twice);
        assert_eq!(twice, s, "{p:?}");
    }
}
