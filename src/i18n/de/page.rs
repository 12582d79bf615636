use crate::i18n::en::page::Page;

pub const DE: Page = Page {
    tagline: "einem rekurrenten Netz beim Lernen zusehen",
    lesson: "Lektion",
    lesson_sine: "Sinuswelle",
    lesson_typed: "Eigene Folge",
    lesson_news: "Schlagzeilen",
    language: "Sprache",
    language_hint: "Öffnet dieses Experiment in einer anderen Sprache neu",
    skip_to_controls: "Zu den Trainingsknöpfen springen",
    back_to_controls: "Zurück zu den Trainingsknöpfen",
    engine: "Engine: ",
    engine_starting: "startet…",
    workers: " · {n} Worker",
    workers_hint: "Zwei Worker: Jeder Trainings-Batch der Sinus- und der eigenen Folge wird in zwei Hälften gleichzeitig auf zwei CPU-Kernen berechnet (mit denselben Ergebnissen wie ein Worker).",
    model_line: "{model} · {weights} Gewichte · trainiert auf den ersten {train} von {values} Werten, Fenster von {window} Schritten · {estimate} (geschätzt)",
    estimate: "etwa {bytes}, {time} pro Schritt",
    open_full: "In Unroll öffnen ↗",
    workspace_training: "Training",
    workspace_news: "Nachrichten-Klassifikation",
};
