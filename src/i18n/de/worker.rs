use crate::i18n::en::worker::Worker;

pub const DE: Worker = Worker {
    no_recurrent_layer: "es hat keine rekurrente Schicht",
    layers_differ: "seine rekurrenten Schichten unterscheiden sich voneinander, und die Seite stapelt Schichten einer Art und Größe",
    merge_differs: "seine Bidirectional-Schichten führen beide Richtungen per {merge} zusammen, die der Seite verketten sie",
    gru_reset_before: "seine GRU-Schichten verwenden reset_after=False, und das GRU der Seite ist das Standard-GRU von Keras (reset_after=True)",
    settings_cannot_hold: "die Einstellungen der Seite können es nicht fassen: {error}",
    weights_laid_out: "seine Gewichte sind anders angeordnet als im Modell, das seine Einstellungen bauen",
    series_reads_texts: "es liest Texte (ein Schlagzeilen-Modell): Öffnen Sie es in der Lektion Nachrichten",
    series_not_series: "es sagt keine Reihe Wert für Wert voraus (die Modelle der Reihen-Lektionen lesen eine Zahl je Schritt und sagen die nächste voraus)",
    series_bidirectional: "seine Schichten sind bidirektional, und ein Reihen-Modell liest nur vorwärts (es darf den Wert nicht sehen, den es voraussagt)",
    not_opened: "{name} wurde nicht geöffnet: {why}",
    file_too_large: "sie hat {mb} MB, mehr als die {max} MB, die eine Modelldatei haben darf",
    not_text: "sie ist keine Textdatei (JSON)",
    check_differs: "seine {n} Prüfausgaben weichen um bis zu {max} von dem ab, was seine Gewichte ergeben (mehr als {tolerance})",
    series_opened: "{name} geöffnet: {model}. Die Einstellungen zeigen seine Architektur; Trainieren macht mit seinen Gewichten weiter, und die Ansichten zeigen es. Eine geänderte Einstellung beginnt ein neues Modell.",
    pause_to_save: "Pausieren Sie das Training, um das Modell zu speichern.",
    still_on_gpu: "Die letzten Schritte des Modells sind noch auf dem Rückweg von der GPU; speichern Sie gleich noch einmal.",
    not_read_back: "Das Modell konnte nicht zurückgelesen werden: {error}",
    series_about: "In Unroll {steps} Schritte lang trainiert, mit den Einstellungen {settings}",
    news_needs_vectorizer: "es hat keinen Text-Vektorisierer und kann daher keine Schlagzeilen lesen (ein Reihen-Modell: Öffnen Sie es in der Lektion Sinus oder Eigene Folge)",
    series_save_hint: "Das Modell speichern, wie es jetzt ist: seine Gewichte und die Einstellungen, die es gemacht haben (vorher pausieren)",
};
