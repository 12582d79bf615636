use crate::i18n::en::lessons::Lessons;

pub const DE: Lessons = Lessons {};
