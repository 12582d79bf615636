//! The settings' own messages: a field's value out of range, of the wrong kind, or not understood
//! (the notice names the link field before them, the settings column shows them under a field).
//! `{value}` is always the value as given, shortened by `settings::shown`.

english! {
    Fields {
        /// A long value or key shortened: `{text}` its first characters, `{count}` its length.
        shortened: "{text}… ({count} characters)",
        /// A value that is not of the field's kind: `{why}` is one of the `expected_*` texts.
        not_valid: "`{value}` is not valid: {why}",
        /// `{list}`: the choices, comma-separated (`rnn, lstm, gru`).
        expected_one_of: "expected one of: {list}",
        expected_whole_number: "expected a whole number",
        expected_number: "expected a number",
        expected_true_false: "expected true or false",
        unknown_setting: "unknown setting",
        between: "must be between {lo} and {hi}, got {value}",
        number_between: "must be a number between {lo} and {hi}, got {value}",
        /// The data address: `{max}` characters at most.
        too_long: "is longer than {max} characters",
        not_web_address: "`{value}` is not a web address (https://…), nor upload:NAME",
        /// The settings format's version: `{version}` this page's, `{value}` the link's.
        version: "this page understands version {version}, got {value}",
        /// x-max not above x-min: `{x_min}` the value of x-min.
        x_max_above: "must be greater than x-min ({x_min})",
        /// The same in a link, where the defaults `{lo}` to `{hi}` are used instead.
        x_max_using: "must be greater than x-min; using {lo} to {hi}",
        /// The link's `show` field: `{list}` the panels.
        not_panel: "`{value}` is not a panel (one of: {list})",
        /// The link's `lang` field: `{list}` the language codes.
        not_language: "`{value}` is not a language of the page (one of: {list})",
        /// The link's `origins` field.
        too_many_origins: "at most {max} origins",
        not_origin: "`{value}` is not an origin (like https://course.example.org)",
    }
}

/// Keys whose German is rightly the English text.
pub const SAME_IN_GERMAN: &[&str] = &[];
