use crate::app::i18n::en::settings::SettingsText;

pub const DE: SettingsText = SettingsText {};
