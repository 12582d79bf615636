//! Colour scales of the unrolled view, readable with the common colour-vision deficiencies:
//! values of either sign on a diverging blue–white–orange scale (ColorBrewer's PuOr ends), gates
//! (0 to 1) on a sequential white–purple scale. The legends on the page are drawn from the same
//! stops ([`DIVERGING`], [`SEQUENTIAL`]).

/// An sRGB colour.
pub type Rgb = [u8; 3];

/// Diverging stops: -1, 0, +1.
pub const DIVERGING: [Rgb; 3] = [[33, 102, 172], [247, 247, 247], [179, 88, 6]];
/// Sequential stops: 0, 1.
pub const SEQUENTIAL: [Rgb; 2] = [[247, 247, 247], [63, 0, 125]];
/// A padding step (skipped by the layers): flat grey.
pub const MASKED: Rgb = [214, 218, 223];
/// A value that is not a number.
pub const NOT_A_NUMBER: Rgb = [230, 0, 126];

fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    [0, 1, 2].map(|i| (a[i] as f32 + (b[i] as f32 - a[i] as f32) * t).round() as u8)
}

/// How a column's values are coloured.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// `[-limit, limit]` blue to orange through white.
    Diverging { limit: f32 },
    /// `[0, 1]` white to purple.
    Sequential,
}

impl Scale {
    pub fn colour(self, v: f32) -> Rgb {
        if !v.is_finite() {
            return NOT_A_NUMBER;
        }
        match self {
            Scale::Diverging { limit } => {
                let t = v / limit.max(f32::MIN_POSITIVE);
                if t < 0.0 {
                    mix(DIVERGING[1], DIVERGING[0], -t)
                } else {
                    mix(DIVERGING[1], DIVERGING[2], t)
                }
            }
            Scale::Sequential => mix(SEQUENTIAL[0], SEQUENTIAL[1], v),
        }
    }

    /// A diverging scale just wide enough for `values`: the "nice" bound (…, 0.1, 0.2, 0.5, 1,
    /// 2, 5, …) at or above their largest magnitude, at least [`MIN_LIMIT`] (small states of an
    /// untrained model still show, and the row's label says the range).
    pub fn diverging_for(values: impl IntoIterator<Item = f32>) -> Scale {
        let max = values.into_iter().filter(|v| v.is_finite()).fold(0.0f32, |m, v| m.max(v.abs()));
        Scale::Diverging { limit: nice_ceiling(max.max(MIN_LIMIT)) }
    }
}

/// The narrowest diverging scale.
pub const MIN_LIMIT: f32 = 0.01;

/// The smallest of 1, 2, 5 × 10^k at or above `v` (`v` > 0).
pub fn nice_ceiling(v: f32) -> f32 {
    let k0 = v.log10().floor() as i32 - 1;
    for k in k0..k0 + 3 {
        for m in [1.0, 2.0, 5.0] {
            // Decimal text first, so 1 is 1.0 and 0.2 is 0.2 exactly as an f32 prints it.
            let bound: f32 = format!("{m}e{k}").parse().unwrap_or(f32::MAX);
            if bound >= v * (1.0 - 1e-6) {
                return bound;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_end_at_their_stops() {
        let d = Scale::Diverging { limit: 2.0 };
        assert_eq!(d.colour(-2.0), DIVERGING[0]);
        assert_eq!(d.colour(0.0), DIVERGING[1]);
        assert_eq!(d.colour(5.0), DIVERGING[2], "clamped");
        assert_eq!(Scale::Sequential.colour(1.0), SEQUENTIAL[1]);
        assert_eq!(Scale::Sequential.colour(f32::NAN), NOT_A_NUMBER);
    }

    #[test]
    fn diverging_limits_are_nice() {
        assert_eq!(Scale::diverging_for([0.3, -0.9]), Scale::Diverging { limit: 1.0 });
        assert_eq!(Scale::diverging_for([1.0]), Scale::Diverging { limit: 1.0 });
        assert_eq!(Scale::diverging_for([3.2]), Scale::Diverging { limit: 5.0 });
        assert_eq!(Scale::diverging_for([-14.0, f32::INFINITY]), Scale::Diverging { limit: 20.0 });
        assert_eq!(Scale::diverging_for([0.13, -0.02]), Scale::Diverging { limit: 0.2 });
        assert_eq!(Scale::diverging_for([0.0]), Scale::Diverging { limit: MIN_LIMIT });
    }
}
