use crate::i18n::en::lessons::Lessons;

pub const DE: Lessons = Lessons {
    chain_no_words: "Geben Sie eine Schlagzeile mit mindestens einem Wort ein, um die Kette zu sehen",
    chain_too_long: "Die Kette zeigt höchstens {max} Schritte; dieser Text hat {n}",
    loss_of_true_class: "der wahren Klasse{name}",
    loss_of_own_answer: "der eigenen Antwort des Modells{name}",

    chain_place_value: "Wert {n}",
    chain_training_stretch: "Trainingsabschnitt",
    chain_heldout_stretch: "zurückgehaltener Abschnitt",
    chain_caption_values: "{w} Werte ab {place} ({part}), einer pro Schritt; nach jedem sagt das Modell den nächsten voraus",
    chain_caption_changes: "{w} Änderungen ab {place} ({part}), eine pro Schritt; nach jeder sagt das Modell die nächste Änderung voraus",
    loss_of_next: "den tatsächlichen nächsten Werten (mittlerer quadratischer Fehler)",
    loss_of_next_after_one: "den tatsächlichen nächsten Werten nach dem ersten Schritt (mittlerer quadratischer Fehler; das Warm-up wird nicht gewertet)",
    loss_of_next_after_many: "den tatsächlichen nächsten Werten nach den ersten {k} Schritten (mittlerer quadratischer Fehler; das Warm-up wird nicht gewertet)",

    diverged_not_finite: "Das Training ist bei Schritt {step} divergiert: Der Verlust ist keine endliche Zahl mehr. Versuchen Sie eine kleinere Lernrate (derzeit {lr}) oder setzen Sie eine Clip-Norm (z. B. 1), und klicken Sie dann auf „Zurücksetzen“.",
    diverged_exploded: "Das Training ist bei Schritt {step} divergiert: Der Verlust ist auf {loss} explodiert (zu Beginn {first}). Versuchen Sie eine kleinere Lernrate (derzeit {lr}) oder setzen Sie eine Clip-Norm (z. B. 1), und klicken Sie dann auf „Zurücksetzen“.",
    predict_changes_too_short: "Um Änderungen vorherzusagen, sind mindestens 3 Trainingswerte nötig; die Folge hat {n}",
    gen_start_range: "Die Generierung kann bei Wert {first} (nach einem ersten Startfenster der Länge {window}) bis Wert {last} beginnen, oder 0 für direkt nach dem Trainingsabschnitt; nicht {got}",
    model_line: "{stack} → Dense(1) pro Schritt{what}",
    model_reads_changes: " (liest die Änderungen zwischen den Werten und sagt sie vorher)",

    recipe_course: "Das Rezept des Kurses (Teacher Forcing, jeder Schritt gewertet)",
    recipe_teacher: "Teacher Forcing",
    recipe_free: "Frei laufendes Training",
    recipe_amsgrad: ", AMSGrad",
    recipe_every_step: "{how}, jeder Schritt gewertet{ams}",
    recipe_first_step: "{how}, der erste Schritt nicht gewertet{ams}",
    recipe_first_steps: "{how}, die ersten {w} Schritte nicht gewertet{ams}",

    vanishing_time: "Erlaubt sind 2..={max} Schritte, nicht {got}",
    vanishing_units: "Erlaubt sind 1..={max}, nicht {got}",
    vanishing_scale: "Erlaubt sind 0..={max}, nicht {got}",
    vanishing_keep_bias: "Erlaubt sind -{max}..={max}, nicht {got}",
    vanishing_clip_norm: "Erlaubt ist nur eine positive Zahl, nicht {got}",
};
