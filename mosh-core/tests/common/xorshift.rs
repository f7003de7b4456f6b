//! Deterministic pseudo-random data for tests: reproducible from a printed seed.

/// Marsaglia's xorshift64: tiny, fast, and good enough to make text compress poorly.
pub struct XorShift64(u64);

impl XorShift64 {
    /// A generator from `seed` (0 is replaced, since it would stay 0 forever).
    pub fn new(seed: u64) -> Self {
        Self(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    /// The next value.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `len` characters drawn from `alphabet`.
    pub fn text(&mut self, len: usize, alphabet: &[u8]) -> String {
        (0..len)
            .map(|_| char::from(alphabet[(self.next_u64() % alphabet.len() as u64) as usize]))
            .collect()
    }
}
