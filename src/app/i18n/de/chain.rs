use crate::app::i18n::en::chain::Chain;

pub const DE: Chain = Chain {};
