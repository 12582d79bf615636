use crate::i18n::en::data::Data;

pub const DE: Data = Data {};
