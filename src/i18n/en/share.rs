//! Copy link and Save log.

english! {
    Share {
        group: "Share",
        copy_link: "Copy link",
        copy_link_hint: "Copy a link to this experiment (Ctrl+Shift+L)",
        save_log: "Save log",
        save_log_hint: "Save every training step's loss as CSV",
        copied: "Link copied: it opens this experiment with these settings.",
        refused: "The browser did not allow copying; copy the link from the field.",
        link_field: "Link to this experiment",
    }
}

/// Keys whose German text is the English one.
pub const SAME_IN_GERMAN: &[&str] = &[];
