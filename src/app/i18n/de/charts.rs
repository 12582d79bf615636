use crate::app::i18n::en::charts::Charts;

pub const DE: Charts = Charts {};
