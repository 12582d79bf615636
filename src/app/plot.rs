//! Chart geometry, free of any UI: scales, ticks, SVG paths, decimation and number formatting.
//! The chart components feed it plain data (playground `linechart.ts` style); tested natively.

/// Pixel frame of a chart: the SVG's size and the margins around the plot area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub top: f64,
    pub bottom: f64,
}

impl Frame {
    pub const fn new(width: f64, height: f64) -> Self {
        Frame { width, height, left: 52.0, right: 12.0, top: 10.0, bottom: 28.0 }
    }
    pub fn plot_width(&self) -> f64 {
        self.width - self.left - self.right
    }
    pub fn plot_height(&self) -> f64 {
        self.height - self.top - self.bottom
    }
}

/// What the axes span. With `log_y`, `y` holds log10 of the bounds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Domain {
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub log_y: bool,
}

impl Domain {
    /// The domain that fits `points` (x, y), padded a little, optionally on a log y axis
    /// (non-positive values are ignored there). `None` when no point is usable.
    pub fn fit<'a>(points: impl IntoIterator<Item = &'a (f32, f32)>, log_y: bool) -> Option<Domain> {
        let mut x = (f64::INFINITY, f64::NEG_INFINITY);
        let mut y = (f64::INFINITY, f64::NEG_INFINITY);
        for &(px, py) in points {
            let (px, py) = (px as f64, py as f64);
            if !px.is_finite() || !py.is_finite() || (log_y && py <= 0.0) {
                continue;
            }
            let py = if log_y { py.log10() } else { py };
            x = (x.0.min(px), x.1.max(px));
            y = (y.0.min(py), y.1.max(py));
        }
        if !x.0.is_finite() {
            return None;
        }
        if x.1 - x.0 < 1e-12 {
            x = (x.0 - 0.5, x.1 + 0.5);
        }
        let pad = if log_y { 0.05 * (y.1 - y.0).max(0.2) } else { 0.08 * (y.1 - y.0).max(1e-6) };
        Some(Domain { x, y: (y.0 - pad, y.1 + pad), log_y })
    }

    /// The same domain with y limited to `[lo, hi]` (used to keep a runaway series from
    /// squashing the rest of the chart).
    pub fn clamp_y(mut self, lo: f64, hi: f64) -> Self {
        self.y = (self.y.0.max(lo), self.y.1.min(hi));
        if self.y.1 <= self.y.0 {
            self.y = (lo, hi);
        }
        self
    }

    fn y_of(&self, v: f64) -> f64 {
        if self.log_y {
            if v > 0.0 {
                v.log10()
            } else {
                f64::NEG_INFINITY
            }
        } else {
            v
        }
    }

    /// The x value under pixel column `px`, if it lies on the plot.
    pub fn x_at(&self, f: &Frame, px: f64) -> Option<f64> {
        let u = (px - f.left) / f.plot_width();
        (0.0..=1.0).contains(&u).then_some(self.x.0 + u * (self.x.1 - self.x.0))
    }

    /// Pixel position of a data point.
    pub fn project(&self, f: &Frame, x: f64, y: f64) -> (f64, f64) {
        let px = f.left + (x - self.x.0) / (self.x.1 - self.x.0) * f.plot_width();
        let yv = self.y_of(y);
        let py = f.top + (1.0 - (yv - self.y.0) / (self.y.1 - self.y.0)) * f.plot_height();
        // Far-off points are pulled in so the SVG never holds absurd coordinates; the clip path
        // hides them anyway.
        (px.clamp(-1e4, 1e4), if py.is_nan() { f64::NAN } else { py.clamp(-1e4, 1e4) })
    }
}

/// An SVG path through `points`; non-finite values (and non-positive ones on a log axis) break
/// the line instead of drawing to infinity.
pub fn line_path(f: &Frame, d: &Domain, points: &[(f32, f32)]) -> String {
    let mut s = String::with_capacity(points.len() * 14);
    let mut pen_down = false;
    for &(x, y) in points {
        let ok = x.is_finite() && y.is_finite() && !(d.log_y && y <= 0.0);
        if !ok {
            pen_down = false;
            continue;
        }
        let (px, py) = d.project(f, x as f64, y as f64);
        if px.is_nan() || py.is_nan() {
            pen_down = false;
            continue;
        }
        s.push(if pen_down { 'L' } else { 'M' });
        push_tenths(&mut s, px);
        s.push(' ');
        push_tenths(&mut s, py);
        pen_down = true;
    }
    s
}

/// Writes `v` (a pixel coordinate, |v| <= 1e4) rounded to one decimal. Integer formatting: the
/// loss chart's path is rebuilt for every progress message, and `format!("{v:.1}")` (exact float
/// formatting, an allocation per point) was most of that work.
pub fn push_tenths(s: &mut String, v: f64) {
    use std::fmt::Write;
    let tenths = (v * 10.0).round() as i64;
    if tenths < 0 {
        s.push('-');
    }
    let t = tenths.unsigned_abs();
    let _ = write!(s, "{}.{}", t / 10, t % 10);
}

/// Keeps at most about `max` points: per bucket of consecutive points, the lowest and the highest
/// (in order), so spikes survive.
pub fn decimate(points: &[(f32, f32)], max: usize) -> Vec<(f32, f32)> {
    if points.len() <= max || max < 4 {
        return points.to_vec();
    }
    let buckets = max / 2;
    let size = points.len().div_ceil(buckets);
    let mut out = Vec::with_capacity(buckets * 2 + 1);
    for chunk in points.chunks(size) {
        let (mut lo, mut hi) = (0, 0);
        for (i, p) in chunk.iter().enumerate() {
            if p.1 < chunk[lo].1 || chunk[lo].1.is_nan() {
                lo = i;
            }
            if p.1 > chunk[hi].1 || chunk[hi].1.is_nan() {
                hi = i;
            }
        }
        let (a, b) = if lo <= hi { (lo, hi) } else { (hi, lo) };
        out.push(chunk[a]);
        if b != a {
            out.push(chunk[b]);
        }
    }
    if let Some(&last) = points.last() {
        if out.last() != Some(&last) {
            out.push(last);
        }
    }
    out
}

/// Exponential moving average of the y values (TensorBoard-style smoothing), debiased at the start.
pub fn smooth(points: &[(f32, f32)], weight: f32) -> Vec<(f32, f32)> {
    let mut acc = 0.0f64;
    let mut norm = 0.0f64;
    let w = weight as f64;
    points
        .iter()
        .map(|&(x, y)| {
            if y.is_finite() {
                acc = acc * w + (1.0 - w) * y as f64;
                norm = norm * w + (1.0 - w);
            }
            (x, if norm > 0.0 { (acc / norm) as f32 } else { f32::NAN })
        })
        .collect()
}

/// About `target` "nice" tick values (1, 2, 5 × 10^k steps) covering `[lo, hi]`.
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0].iter().map(|m| m * mag).find(|s| *s >= raw).unwrap_or(10.0 * mag);
    let start = (lo / step).ceil() as i64;
    let end = (hi / step).floor() as i64;
    (start..=end).map(|i| i as f64 * step).map(|v| if v.abs() < step * 1e-9 { 0.0 } else { v }).collect()
}

/// Powers of ten within a log10 range `[lo, hi]` (thinned to at most `max`).
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![];
    }
    let (a, b) = (lo.ceil() as i32, hi.floor() as i32);
    let n = (b - a + 1).max(0) as usize;
    let every = n.div_ceil(max.max(1)).max(1);
    (a..=b).step_by(every).map(|e| 10f64.powi(e)).collect()
}

/// A number for people: 3 significant digits, scientific notation when very small or large.
pub fn format_number(v: f64) -> String {
    if !v.is_finite() {
        return if v.is_nan() {
            "NaN".into()
        } else if v > 0.0 {
            "∞".into()
        } else {
            "-∞".into()
        };
    }
    let a = v.abs();
    if a == 0.0 {
        "0".into()
    } else if !(1e-3..1e5).contains(&a) {
        // 1.00e-4 → 1e-4, 2.50e8 → 2.5e8
        let s = format!("{v:.2e}");
        match s.split_once('e') {
            Some((m, e)) if m.contains('.') => format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.')),
            _ => s,
        }
    } else {
        let digits = (2 - a.log10().floor() as i32).max(0) as usize;
        let s = format!("{v:.digits$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

/// A compact tick label.
pub fn tick_label(v: f64) -> String {
    format_number(v)
}
