use crate::i18n::en::models::Models;

pub const DE: Models = Models {};
