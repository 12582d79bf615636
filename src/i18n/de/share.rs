use crate::i18n::en::share::Share;

pub const DE: Share = Share {
    group: "Teilen",
    copy_link: "Link kopieren",
    copy_link_hint: "Einen Link zu diesem Experiment kopieren (Strg+Umschalt+L)",
    save_log: "Protokoll sichern",
    save_log_hint: "Den Verlust jedes Trainingsschritts als CSV speichern",
    copied: "Link kopiert: Er öffnet dieses Experiment mit diesen Einstellungen.",
    refused: "Der Browser hat das Kopieren nicht erlaubt; kopieren Sie den Link aus dem Feld.",
    link_field: "Link zu diesem Experiment",
};
