use crate::i18n::en::fields::Fields;

pub const DE: Fields = Fields {
};
