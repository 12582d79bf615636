//! The page's words in English and German: every string the page shows (and the worker says to
//! it), one place per language (`en/` and `de/`, a file per part of the page). English declares each part's keys (the
//! [`english!`] macro makes the struct); German fills the same struct, so a key missing in either
//! language does not compile, and `tests/core/i18n.rs` checks that both say something for every
//! key with the same `{placeholders}`.
//!
//! The language is chosen once, at start: the link's `lang` field (`lang=de`), else the browser's
//! languages (`navigator.languages`), else English; the page tells the worker
//! (`Command::Language`). Switching reloads the page with `lang` in the link (the link carries the
//! experiment, so the same one starts again). The command line speaks English (the default).
//!
//! A plain table rather than an i18n crate: `leptos_i18n` (the one crate made for Leptos 0.8)
//! generates code from JSON files at build time and pulls ICU data for plurals; both languages
//! here form plurals alike (one / other), numbers are written the same in every language, and a
//! Rust struct checks every key at compile time already.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fmt::Display;

/// Declares a part of the page's strings: the struct (one `&'static str` per key) and its English
/// text, `EN`. `entries` lists them for the completeness test.
macro_rules! english {
    ($(#[$m:meta])* $name:ident { $($(#[$km:meta])* $key:ident : $text:expr),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug)]
        pub struct $name {
            $($(#[$km])* pub $key: &'static str,)*
        }
        impl $name {
            /// Every key with its text, in declaration order.
            pub fn entries(&self) -> Vec<(&'static str, &'static str)> {
                vec![$((stringify!($key), self.$key)),*]
            }
        }
        pub const EN: $name = $name { $($key: $text,)* };
    };
}

pub mod de;
pub mod en;

/// A language of the page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    En,
    De,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::De];

    /// The code in links and in `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::De => "de",
        }
    }

    /// The language's name in itself (how a language menu names it).
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::De => "Deutsch",
        }
    }

    /// The language of a tag such as `de`, `de-AT` or `en_GB` (its first part, any case).
    pub fn parse(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Lang::ALL.into_iter().find(|l| l.code() == primary)
    }

    /// The first of the browser's languages (most wanted first) that the page speaks; English
    /// when none is.
    pub fn preferred<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter().find_map(Lang::parse).unwrap_or_default()
    }

    pub fn text(self) -> &'static Text {
        match self {
            Lang::En => &EN,
            Lang::De => &DE,
        }
    }
}

/// All of the page's strings in one language, by part of the page.
#[derive(Debug)]
pub struct Text {
    pub page: &'static en::page::Page,
    pub toolbar: &'static en::toolbar::Toolbar,
    pub share: &'static en::share::Share,
    pub settings: &'static en::settings::SettingsText,
    pub charts: &'static en::charts::Charts,
    pub news: &'static en::news::News,
    pub chain: &'static en::chain::Chain,
    pub course: &'static en::course::Course,
    pub engine: &'static en::engine::Engine,
    pub lessons: &'static en::lessons::Lessons,
    pub exercises: &'static en::exercises::Exercises,
    pub fields: &'static en::fields::Fields,
    pub data: &'static en::data::Data,
    pub models: &'static en::models::Models,
    pub worker: &'static en::worker::Worker,
}

impl Text {
    /// Every part's keys and texts, named `part.key`.
    pub fn entries(&self) -> Vec<(String, &'static str)> {
        let parts = [
            ("page", self.page.entries()),
            ("toolbar", self.toolbar.entries()),
            ("share", self.share.entries()),
            ("settings", self.settings.entries()),
            ("charts", self.charts.entries()),
            ("news", self.news.entries()),
            ("chain", self.chain.entries()),
            ("course", self.course.entries()),
            ("engine", self.engine.entries()),
            ("lessons", self.lessons.entries()),
            ("exercises", self.exercises.entries()),
            ("fields", self.fields.entries()),
            ("data", self.data.entries()),
            ("models", self.models.entries()),
            ("worker", self.worker.entries()),
        ];
        parts.into_iter().flat_map(|(part, e)| e.into_iter().map(move |(k, v)| (format!("{part}.{k}"), v))).collect()
    }

    /// The keys (`part.key`) whose German text is rightly the English one: names, units,
    /// loanwords. Each part lists its own (`SAME_IN_GERMAN` in its English file).
    pub fn same_in_german() -> Vec<String> {
        let parts: [(&str, &[&str]); 15] = [
            ("page", en::page::SAME_IN_GERMAN),
            ("toolbar", en::toolbar::SAME_IN_GERMAN),
            ("share", en::share::SAME_IN_GERMAN),
            ("settings", en::settings::SAME_IN_GERMAN),
            ("charts", en::charts::SAME_IN_GERMAN),
            ("news", en::news::SAME_IN_GERMAN),
            ("chain", en::chain::SAME_IN_GERMAN),
            ("course", en::course::SAME_IN_GERMAN),
            ("engine", en::engine::SAME_IN_GERMAN),
            ("lessons", en::lessons::SAME_IN_GERMAN),
            ("exercises", en::exercises::SAME_IN_GERMAN),
            ("fields", en::fields::SAME_IN_GERMAN),
            ("data", en::data::SAME_IN_GERMAN),
            ("models", en::models::SAME_IN_GERMAN),
            ("worker", en::worker::SAME_IN_GERMAN),
        ];
        parts.into_iter().flat_map(|(part, keys)| keys.iter().map(move |k| format!("{part}.{k}"))).collect()
    }
}

pub static EN: Text = Text {
    page: &en::page::EN,
    toolbar: &en::toolbar::EN,
    share: &en::share::EN,
    settings: &en::settings::EN,
    charts: &en::charts::EN,
    news: &en::news::EN,
    chain: &en::chain::EN,
    course: &en::course::EN,
    engine: &en::engine::EN,
    lessons: &en::lessons::EN,
    exercises: &en::exercises::EN,
    fields: &en::fields::EN,
    data: &en::data::EN,
    models: &en::models::EN,
    worker: &en::worker::EN,
};
pub static DE: Text = Text {
    page: &de::page::DE,
    toolbar: &de::toolbar::DE,
    share: &de::share::DE,
    settings: &de::settings::DE,
    charts: &de::charts::DE,
    news: &de::news::DE,
    chain: &de::chain::DE,
    course: &de::course::DE,
    engine: &de::engine::DE,
    lessons: &de::lessons::DE,
    exercises: &de::exercises::DE,
    fields: &de::fields::DE,
    data: &de::data::DE,
    models: &de::models::DE,
    worker: &de::worker::DE,
};

thread_local! {
    static CURRENT: Cell<Lang> = const { Cell::new(Lang::En) };
}

/// Sets the page's language (once, at start).
pub fn set_lang(lang: Lang) {
    CURRENT.with(|c| c.set(lang));
}

/// The page's language.
pub fn lang() -> Lang {
    CURRENT.with(Cell::get)
}

/// The page's strings in its language.
pub fn t() -> &'static Text {
    lang().text()
}

/// A run's estimate ("about 4.5 MB, 2.4 ms per step") in the page's language.
pub fn estimate(e: &crate::lesson::Estimate) -> String {
    use crate::engine::model::footprint::{bytes_text, seconds_text};
    fill(t().page.estimate, &[("bytes", &bytes_text(e.footprint.bytes())), ("time", &seconds_text(e.seconds_per_step))])
}

/// `template` with each `{name}` replaced by its value; unknown names are left as they are.
///
/// One pass over the template: what a value brings in is never read again, so a value that
/// itself contains `{name}` (a file named `{model}.json`) is shown as it is.
pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16 * args.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let named = after.find('}').and_then(|close| args.iter().find(|(name, _)| *name == &after[..close]).map(|arg| (close, arg)));
        match named {
            Some((close, (_, value))) => {
                out.push_str(&value.to_string());
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{placeholder}` names a template uses.
pub fn placeholders(template: &str) -> BTreeSet<&str> {
    let mut names = BTreeSet::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_alphanumeric() || c == '_') && close > 0 => {
                names.insert(&after[..close]);
                rest = &after[close + 1..];
            }
            _ => rest = after,
        }
    }
    names
}
