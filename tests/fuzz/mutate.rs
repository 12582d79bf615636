//! Nasty inputs: random bytes, and valid inputs mutated (bytes flipped, ranges cut, duplicated or
//! truncated, tricky tokens inserted: huge numbers, NaN and infinities, negative sizes, deep
//! nesting, very long runs, unicode, HTML and script text).

use proptest::prelude::*;

/// Texts that break readers.
pub const TOKENS: &[&str] = &[
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "-0",
    "1e999",
    "-1e999",
    "1e-999",
    "3.4028236e38",
    "-1",
    "-2147483649",
    "0",
    "4294967296",
    "18446744073709551616",
    "99999999999999999999999999999",
    "0x10",
    "1_000",
    "+",
    "-",
    ".",
    "e",
    "1e",
    "١٢٣",
    "%",
    "%%",
    "%zz",
    "%0",
    "%00",
    "%FF%FE",
    "%C3%28",
    "%F0%9F%98",
    "%E2%80%AE",
    "&",
    "&&",
    "=",
    "==",
    "?",
    "#",
    "+",
    "\"",
    "\"\"",
    "'",
    ",",
    ",,",
    ";",
    "\t",
    "\n",
    "\r\n",
    "\r",
    "\0",
    "\u{feff}",
    "\u{202e}",
    "\u{fffd}",
    "é",
    "😀",
    "👨‍👩‍👧",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{",
    "}",
    "[",
    "]",
    "[[[[[[[[",
    "null",
    "true",
    "{}",
    "[]",
    "\\",
    "\\u0000",
    "\\ud800",
];

#[derive(Clone, Debug)]
pub enum Mutation {
    Flip { at: usize, bit: u8 },
    Set { at: usize, byte: u8 },
    Cut { at: usize, len: usize },
    Duplicate { at: usize, len: usize, times: usize },
    Insert { at: usize, token: usize, times: usize },
    Truncate { at: usize },
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Set { at, byte }),
        (any::<usize>(), 0usize..64).prop_map(|(at, len)| Mutation::Cut { at, len }),
        (any::<usize>(), 0usize..64, prop_oneof![1usize..4, Just(1000)]).prop_map(|(at, len, times)| Mutation::Duplicate {
            at,
            len,
            times
        }),
        (any::<usize>(), any::<usize>(), prop_oneof![3 => Just(1usize), 1 => 2usize..10, 1 => Just(5000)])
            .prop_map(|(at, token, times)| Mutation::Insert { at, token, times }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

pub fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let n = bytes.len();
    let at = |a: usize| if n == 0 { 0 } else { a % (n + 1) };
    match *m {
        Mutation::Flip { at: a, bit } if n > 0 => bytes[a % n] ^= 1 << bit,
        Mutation::Set { at: a, byte } if n > 0 => bytes[a % n] = byte,
        Mutation::Cut { at: a, len } => {
            let a = at(a);
            bytes.drain(a..(a + len).min(n));
        }
        Mutation::Duplicate { at: a, len, times } => {
            let a = at(a);
            let piece = bytes[a..(a + len).min(n)].to_vec();
            for _ in 0..times {
                bytes.splice(a..a, piece.iter().copied());
            }
        }
        Mutation::Insert { at: a, token, times } => {
            let a = at(a);
            let t = TOKENS[token % TOKENS.len()].as_bytes().repeat(times);
            bytes.splice(a..a, t);
        }
        Mutation::Truncate { at: a } => bytes.truncate(at(a)),
        _ => {}
    }
}

/// One of `seeds`, mutated 0 to 8 times; or random bytes.
pub fn mutated_bytes(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Vec<u8>> {
    let n = seeds.len();
    prop_oneof![
        4 => (0..n, prop::collection::vec(mutation(), 0..8)).prop_map(move |(i, ms)| {
            let mut b = seeds[i].clone();
            for m in &ms {
                apply(&mut b, m);
            }
            b
        }),
        1 => prop::collection::vec(any::<u8>(), 0..512),
    ]
}

/// [`mutated_bytes`] as text (invalid UTF-8 replaced), and any string.
pub fn mutated_text(seeds: &[&str]) -> impl Strategy<Value = String> {
    let seeds: Vec<Vec<u8>> = seeds.iter().map(|s| s.as_bytes().to_vec()).collect();
    prop_oneof![
        4 => mutated_bytes(seeds).prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        1 => any::<String>(),
    ]
}
