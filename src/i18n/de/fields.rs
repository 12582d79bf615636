use crate::i18n::en::fields::Fields;

pub const DE: Fields = Fields {
    shortened: "{text}… ({count} Zeichen)",
    not_valid: "`{value}` ist nicht gültig: {why}",
    expected_one_of: "erwartet wird eines von: {list}",
    expected_whole_number: "erwartet wird eine ganze Zahl",
    expected_number: "erwartet wird eine Zahl",
    expected_true_false: "erwartet wird true oder false",
    unknown_setting: "unbekannte Einstellung",
    between: "muss zwischen {lo} und {hi} liegen, erhalten: {value}",
    number_between: "muss eine Zahl zwischen {lo} und {hi} sein, erhalten: {value}",
    too_long: "ist länger als {max} Zeichen",
    not_web_address: "`{value}` ist keine Webadresse (https://…) und auch nicht upload:NAME",
    version: "diese Seite versteht Version {version}, erhalten: {value}",
    x_max_above: "muss größer als x-min ({x_min}) sein",
    x_max_using: "muss größer als x-min sein; verwendet wird {lo} bis {hi}",
    not_panel: "`{value}` ist kein Bereich (einer von: {list})",
    not_language: "`{value}` ist keine Sprache der Seite (eine von: {list})",
    too_many_origins: "höchstens {max} Origins",
    not_origin: "`{value}` ist kein Origin (etwa https://course.example.org)",
};
