//! `#[serde(with = "crate::engine::f32_bytes")]`: a `Vec<f32>` as little-endian bytes. Across the
//! worker boundary (serde-wasm-bindgen) that is one `Uint8Array` copied at once, where a plain
//! `Vec<f32>` becomes a JavaScript array read back one number at a time (a traced chain holds a
//! hundred thousand of them, several times a second). JSON writes the bytes as numbers, and reads
//! them back either way.

use serde::de::Error;
use serde::{Deserializer, Serializer};

pub fn serialize<S: Serializer>(values: &[f32], s: S) -> Result<S::Ok, S::Error> {
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    serde_bytes::serialize(&bytes, s)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f32>, D::Error> {
    let bytes: serde_bytes::ByteBuf = serde_bytes::deserialize(d)?;
    if !bytes.len().is_multiple_of(4) {
        return Err(D::Error::custom(format!("{} bytes are not a whole number of f32 values", bytes.len())));
    }
    Ok(bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
}

#[cfg(test)]
mod tests {
    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct T(#[serde(with = "super")] Vec<f32>);

    #[test]
    fn round_trips_every_bit() {
        let t = T(vec![1.5, -0.0, f32::NAN, f32::INFINITY, 3e-39]);
        let back: T = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back.0.iter().map(|v| v.to_bits()).collect::<Vec<_>>(), t.0.iter().map(|v| v.to_bits()).collect::<Vec<_>>());
        assert!(serde_json::from_str::<T>("[1,2,3]").is_err(), "3 bytes are no f32");
    }
}
