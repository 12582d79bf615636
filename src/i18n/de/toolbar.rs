use crate::i18n::en::toolbar::Toolbar;

pub const DE: Toolbar = Toolbar {
    controls: "Trainingsknöpfe",
    train: "Trainieren",
    pause: "Pause",
    step: "Schritt",
    reset: "Zurücksetzen",
    stat_step: "Schritt",
    stat_loss: "Verlust",
    stat_steps_per_sec: "Schritte/s",
    stat_heldout: "Test-MSE",
    stat_generation: "Generierungs-MSE",
    in_flight: "{n} weitere noch auf dem Rückweg von der GPU",
};
