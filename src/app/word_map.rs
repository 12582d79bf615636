//! The word map's geometry, plain and tested natively: where each word goes in the picture,
//! how strongly it leans to its class, and which words are named.

use crate::lesson::news::words::WordMap;

/// How far a word's lean is above chance, 0 (none: `1/classes`) to 1 (only its class).
pub fn strength(lean: f32, classes: usize) -> f32 {
    let k = classes.max(2) as f32;
    ((lean - 1.0 / k) / (1.0 - 1.0 / k)).clamp(0.0, 1.0)
}

/// Each word's place in a `width × height` picture with `pad` pixels of margin (y up, as a
/// chart's). Words at a non-finite position go to the middle.
pub fn place(map: &WordMap, width: f32, height: f32, pad: f32) -> Vec<(f32, f32)> {
    let (mut x0, mut x1, mut y0, mut y1) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
    for w in map.words.iter().filter(|w| w.x.is_finite() && w.y.is_finite()) {
        (x0, x1, y0, y1) = (x0.min(w.x), x1.max(w.x), y0.min(w.y), y1.max(w.y));
    }
    let sx = (width - 2.0 * pad) / (x1 - x0).max(1e-9);
    let sy = (height - 2.0 * pad) / (y1 - y0).max(1e-9);
    map.words
        .iter()
        .map(|w| {
            if w.x.is_finite() && w.y.is_finite() {
                (pad + (w.x - x0) * sx, height - pad - (w.y - y0) * sy)
            } else {
                (width / 2.0, height / 2.0)
            }
        })
        .collect()
}

/// The `n` words that say most about a class: frequent and leaning hard (log count × strength²),
/// most telling first.
pub fn telling(map: &WordMap, n: usize) -> Vec<usize> {
    let k = map.classes.len();
    let mut scored: Vec<(f32, usize)> = map
        .words
        .iter()
        .enumerate()
        .filter(|(_, w)| w.class.is_some())
        .map(|(i, w)| ((w.count as f32 + 1.0).ln() * strength(w.lean, k).powi(2), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().take(n).map(|(_, i)| i).collect()
}
