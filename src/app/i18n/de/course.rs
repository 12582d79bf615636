use crate::app::i18n::en::course::Course;

pub const DE: Course = Course {};
