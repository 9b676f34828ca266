//! Keys for the incremental engine's memos: a hash of everything a piece of work reads.
//!
//! Every part goes in with its length first, so no two different sequences of parts give
//! the same bytes (`"ab" + "c"` is not `"a" + "bc"`). The parts are gathered into one buffer
//! and hashed once with xxh3, which is much faster than feeding a streaming hasher many small
//! pieces.

/// A key being built: parts in order, then [`Key::finish`].
#[derive(Debug, Default)]
pub struct Key {
    buffer: Vec<u8>,
}

impl Key {
    /// An empty key.
    pub fn new() -> Self {
        Key::default()
    }

    /// Adds `bytes` as one part.
    pub fn bytes(&mut self, bytes: &[u8]) -> &mut Self {
        self.buffer
            .extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        self.buffer.extend_from_slice(bytes);
        self
    }

    /// Adds `text` as one part.
    pub fn text(&mut self, text: &str) -> &mut Self {
        self.bytes(text.as_bytes())
    }

    /// Adds a number (a count, an index or another key) as one part.
    pub fn number(&mut self, number: u64) -> &mut Self {
        self.bytes(&number.to_le_bytes())
    }

    /// The hash of the parts added so far.
    pub fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.buffer)
    }
}

/// The key of a list of keys (each item's key computed apart, e.g. in parallel).
pub fn of_keys(first: u64, keys: &[u64]) -> u64 {
    let mut key = Key::new();
    key.number(first).number(keys.len() as u64);
    for &item in keys {
        key.number(item);
    }
    key.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_delimited_by_their_lengths() {
        let joined = Key::new().text("ab").text("c").finish();
        let split = Key::new().text("a").text("bc").finish();
        assert_ne!(joined, split);
        assert_eq!(joined, Key::new().text("ab").text("c").finish());
    }

    #[test]
    fn the_order_of_keys_matters() {
        assert_ne!(of_keys(0, &[1, 2]), of_keys(0, &[2, 1]));
        assert_ne!(of_keys(0, &[1]), of_keys(1, &[1]));
    }
}
