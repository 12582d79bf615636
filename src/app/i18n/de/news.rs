use crate::app::i18n::en::news::News;

pub const DE: News = News {};
