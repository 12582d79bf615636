use crate::i18n::en::exercises::Exercises;

pub const DE: Exercises = Exercises {};
