//! Embedding the playground in course material: the link fields of the page itself (not of the
//! experiment: `settings::PAGE_KEYS`) and the `postMessage` API's messages, version
//! [`API_VERSION`]. Plain data, tested natively; `ui/embed_api.rs` wires it to the window.
//!
//! Link fields: `embed=true` (the compact layout for an iframe), `show=controls,loss,…` (the
//! panels on show, [`Panel`]), `autostart=true` (train once the experiment is ready) and
//! `origins=https://a.example,https://b.example` (the pages whose commands are obeyed).
//!
//! Messages in (from the hosting page, only from an allowed origin):
//! `{ "unroll": 1, "type": "start" | "pause" | "reset" | "step" }` and
//! `{ "unroll": 1, "type": "set", "settings": { "cell": "lstm", "units": 32 } }` (a fresh run with
//! those fields changed). Messages out (to the hosting page): [`Outgoing`], each with
//! `"unroll": 1` and a `"type"`.

use serde::Serialize;
use serde_json::Value;

use crate::i18n::{fill, t, Lang};
use crate::settings::{shown, SettingError};

/// The message schema's version, in every message both ways.
pub const API_VERSION: u32 = 1;

/// Most origins an embed link may allow.
const MAX_ORIGINS: usize = 16;

/// A part of the page an embed can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// Train, Step, Reset and the figures beside them.
    Controls,
    /// The lesson switch (sine, typed sequence, news).
    Lessons,
    /// The tabs of the lesson's views (inside the cell, gradients, the model, …).
    Views,
    /// The unrolled chain of cells alone (the "Inside the cell" view, without tabs).
    Chain,
    Loss,
    GradNorm,
    Heldout,
    Generation,
    /// The table of the next values and the drift panel under the charts.
    Details,
    /// The settings column.
    Settings,
}

impl Panel {
    pub const ALL: &'static [(Panel, &'static str)] = &[
        (Panel::Controls, "controls"),
        (Panel::Lessons, "lessons"),
        (Panel::Views, "views"),
        (Panel::Chain, "chain"),
        (Panel::Loss, "loss"),
        (Panel::GradNorm, "grad-norm"),
        (Panel::Heldout, "heldout"),
        (Panel::Generation, "generation"),
        (Panel::Details, "details"),
        (Panel::Settings, "settings"),
    ];

    /// What an embed shows when its link names nothing: Train and the generation chart, with
    /// the loss beside it.
    pub const DEFAULT_EMBED: &'static [Panel] = &[Panel::Controls, Panel::Loss, Panel::Generation];

    fn parse(name: &str) -> Option<Panel> {
        Panel::ALL.iter().find(|(_, n)| *n == name).map(|(p, _)| *p)
    }
}

/// How the page is embedded, from its link.
#[derive(Clone, Debug, PartialEq)]
pub struct EmbedOptions {
    pub embed: bool,
    /// The panels on show (every panel when not embedded).
    pub show: Vec<Panel>,
    pub autostart: bool,
    /// Origins (`scheme://host[:port]`) whose messages are obeyed; none: every message is ignored.
    pub origins: Vec<String>,
    /// The page's language, when the link names one (else the browser's).
    pub lang: Option<Lang>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        EmbedOptions { embed: false, show: Panel::ALL.iter().map(|(p, _)| *p).collect(), autostart: false, origins: vec![], lang: None }
    }
}

impl EmbedOptions {
    /// The page's own fields of a link's `key=value` pairs (decoded); the problems name the field.
    pub fn from_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> (EmbedOptions, Vec<SettingError>) {
        let mut o = EmbedOptions::default();
        let mut problems = Vec::new();
        let mut show = None;
        let flag = |key: &str, v: &str, problems: &mut Vec<SettingError>| match v.trim() {
            "" | "1" | "true" | "yes" => true,
            "0" | "false" | "no" => false,
            other => {
                let why = t().fields.expected_true_false;
                problems.push(SettingError::new(key, fill(t().fields.not_valid, &[("value", &shown(other)), ("why", &why)])));
                false
            }
        };
        for (key, value) in pairs {
            match key {
                "embed" => o.embed = flag(key, value, &mut problems),
                "autostart" => o.autostart = flag(key, value, &mut problems),
                "show" => {
                    let mut panels = Vec::new();
                    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        match Panel::parse(name) {
                            Some(p) if !panels.contains(&p) => panels.push(p),
                            Some(_) => {}
                            None => problems.push(SettingError::new(
                                key,
                                fill(
                                    t().fields.not_panel,
                                    &[
                                        ("value", &shown(name)),
                                        ("list", &Panel::ALL.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")),
                                    ],
                                ),
                            )),
                        }
                    }
                    show = Some(panels);
                }
                "lang" => match Lang::parse(value) {
                    Some(l) => o.lang = Some(l),
                    None => problems.push(SettingError::new(
                        key,
                        fill(t().fields.not_language, &[("value", &shown(value)), ("list", &Lang::ALL.map(Lang::code).join(", "))]),
                    )),
                },
                "origins" => {
                    o.origins.clear();
                    for origin in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        match normal_origin(origin) {
                            Some(_) if o.origins.len() >= MAX_ORIGINS => {
                                problems.push(SettingError::new(key, fill(t().fields.too_many_origins, &[("max", &MAX_ORIGINS)])));
                                break;
                            }
                            Some(ok) => o.origins.push(ok),
                            None => problems.push(SettingError::new(key, fill(t().fields.not_origin, &[("value", &shown(origin))]))),
                        }
                    }
                }
                _ => {}
            }
        }
        if o.embed {
            o.show = match show {
                Some(p) if !p.is_empty() => p,
                _ => Panel::DEFAULT_EMBED.to_vec(),
            };
        } else if let Some(p) = show.filter(|p| !p.is_empty()) {
            o.show = p;
        }
        (o, problems)
    }

    pub fn shows(&self, panel: Panel) -> bool {
        self.show.contains(&panel)
    }

    /// Whether a message from `origin` is obeyed.
    pub fn allows(&self, origin: &str) -> bool {
        self.origins.iter().any(|o| o == origin)
    }

    /// These fields as a link query (empty when all are defaults), to keep beside the settings.
    pub fn to_query(&self) -> String {
        let d = EmbedOptions::default();
        let mut pairs = Vec::new();
        if self.embed {
            pairs.push("embed=true".to_string());
        }
        let default_show = if self.embed { Panel::DEFAULT_EMBED.to_vec() } else { d.show };
        if self.show != default_show {
            let names: Vec<&str> = self.show.iter().filter_map(|p| Panel::ALL.iter().find(|(q, _)| q == p).map(|(_, n)| *n)).collect();
            pairs.push(format!("show={}", crate::settings::encode(&names.join(","))));
        }
        if self.autostart {
            pairs.push("autostart=true".to_string());
        }
        if !self.origins.is_empty() {
            pairs.push(format!("origins={}", crate::settings::encode(&self.origins.join(","))));
        }
        if let Some(lang) = self.lang {
            pairs.push(format!("lang={}", lang.code()));
        }
        pairs.join("&")
    }
}

/// `origin` as browsers write `MessageEvent.origin` (`scheme://host[:port]`, no path, no
/// trailing slash), or `None` when it is not an http(s) origin.
fn normal_origin(origin: &str) -> Option<String> {
    let o = origin.trim_end_matches('/');
    let rest = o.strip_prefix("https://").or_else(|| o.strip_prefix("http://"))?;
    let ok = !rest.is_empty()
        && o.len() <= 200
        && rest.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !rest.starts_with(':');
    ok.then(|| o.to_ascii_lowercase())
}

/// A command from the hosting page.
#[derive(Clone, Debug, PartialEq)]
pub enum Incoming {
    Start,
    Pause,
    Reset,
    Step,
    /// Settings to change, as `key=value` text (the link's form), for a fresh run.
    Set(Vec<(String, String)>),
}

impl Incoming {
    /// Reads a message's data. `Ok(None)`: not a message for this API (other scripts post
    /// messages too: ignored quietly); `Err`: one for it that cannot be obeyed, and why.
    pub fn parse(data: &Value) -> Result<Option<Incoming>, String> {
        let Some(version) = data.get("unroll") else { return Ok(None) };
        if version.as_u64() != Some(API_VERSION as u64) {
            return Err(format!(
                "this page speaks version {API_VERSION} of the message API, the message says {}",
                shown(&version.to_string())
            ));
        }
        let kind = data.get("type").and_then(Value::as_str).unwrap_or("");
        Ok(Some(match kind {
            "start" => Incoming::Start,
            "pause" => Incoming::Pause,
            "reset" => Incoming::Reset,
            "step" => Incoming::Step,
            "set" => {
                let Some(map) = data.get("settings").and_then(Value::as_object) else {
                    return Err("a `set` message needs `settings`, an object of fields, e.g. {\"units\": 32}".into());
                };
                Incoming::Set(
                    map.iter().map(|(k, v)| (k.clone(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()))).collect(),
                )
            }
            other => return Err(format!("unknown message type `{}` (start, pause, reset, step or set)", shown(other))),
        }))
    }
}

/// An event for the hosting page.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Outgoing {
    /// The experiment is built and can train; `settings` is its link query.
    Ready {
        task: String,
        settings: String,
    },
    /// Training progress (at most a few a second): the step (the batch for the news lesson) and
    /// the latest training loss; the news lesson adds the running accuracy.
    Step {
        step: u64,
        loss: Option<f32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        accuracy: Option<f32>,
    },
    Paused {
        step: u64,
    },
    /// The news lesson's run reached its last epoch; `test_accuracy` once it is tested.
    Finished {
        test_accuracy: Option<f32>,
    },
    Error {
        message: String,
    },
}

impl Outgoing {
    /// The message as sent: the event with the API version.
    pub fn to_json(&self) -> Value {
        let mut v = serde_json::to_value(self).expect("events serialize");
        v["unroll"] = Value::from(API_VERSION);
        v
    }
}
