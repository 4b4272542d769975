//! Record keys (TIDs): 13 characters of base32-sortable, microseconds since 1970 and a
//! 10-bit clock id. A reply's key is derived from what the outbox stored when it queued the
//! reply (its time and idempotency key), so every retry writes the same record.

use jiff::Timestamp;

const ALPHABET: &[u8; 32] = b"234567abcdefghijklmnopqrstuvwxyz";

/// The TID of `micros` (microseconds since the epoch) and `clock_id` (0..1024).
pub fn encode(micros: u64, clock_id: u16) -> String {
    let v = ((micros & ((1 << 53) - 1)) << 10) | u64::from(clock_id & 0x3ff);
    (0..13)
        .map(|i| ALPHABET[((v >> (60 - 5 * i)) & 31) as usize] as char)
        .collect()
}

/// Whether `s` has the syntax of a TID.
pub fn is_valid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 13 && b"234567abcdefghij".contains(&b[0]) && b.iter().all(|c| ALPHABET.contains(c))
}

/// The record key of a queued reply: its queue time, plus bits of its idempotency key so two
/// replies queued in the same second get different keys.
pub fn for_reply(queued_at: Timestamp, idempotency_key: &str) -> String {
    let h = fnv1a(idempotency_key.as_bytes());
    let secs = u64::try_from(queued_at.as_second()).unwrap_or(0);
    let micros = secs * 1_000_000 + h % 1_000_000;
    encode(micros, ((h >> 32) & 0x3ff) as u16)
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_the_spec() {
        assert_eq!(encode(0, 0), "2222222222222");
        // Sortable: later times give later keys.
        assert!(encode(1_700_000_000_000_000, 5) < encode(1_700_000_000_000_001, 0));
        let t = encode(1_795_342_444_000_000, 1023);
        assert!(is_valid(&t), "{t}");
        assert!(!is_valid("3n2veyg3dks2")); // 12 chars
        assert!(!is_valid("zn2veyg3dks2s")); // top bit set
        assert!(is_valid("3n2veyg3dks2s")); // a key the real network produced
    }

    #[test]
    fn a_reply_keeps_its_key_and_two_replies_differ() {
        let t: Timestamp = "2026-11-22T10:00:00Z".parse().expect("ts");
        let a = for_reply(t, "tinbox-1-00000000000000aa");
        assert_eq!(a, for_reply(t, "tinbox-1-00000000000000aa"));
        assert_ne!(a, for_reply(t, "tinbox-1-00000000000000ab"));
        assert!(is_valid(&a));
        // Near the queue time: the first characters encode 2026-11-22.
        assert_eq!(&a[..6], &encode(1_795_341_600_000_000, 0)[..6]);
    }
}
