//! zlib (RFC 1950) around every serialized instruction, with a hard cap on the
//! inflated size (protocol.md §8).

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

/// Largest inflated instruction a stock receiver accepts (its 2048·2048-byte buffer).
pub const MAX_INSTRUCTION_LEN: usize = 4 * 1024 * 1024;

/// Why a compressed instruction was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecompressError {
    /// Not a valid zlib stream (bad header, bad deflate data or bad checksum).
    #[error("corrupt zlib stream")]
    Corrupt,
    /// The stream ended before its end marker and checksum.
    #[error("truncated zlib stream")]
    Truncated,
    /// Bytes follow the end of the zlib stream.
    #[error("{0} bytes after the end of the zlib stream")]
    TrailingData(usize),
    /// The stream inflates to more than the limit (a decompression bomb, or a peer
    /// that does not respect the 4 MiB protocol limit).
    #[error("zlib stream inflates beyond {limit} bytes")]
    TooLarge {
        /// The limit that was exceeded.
        limit: usize,
    },
}

/// Compresses a serialized instruction as stock mosh does: zlib format at the default
/// level. The backend is the pure-Rust zlib-rs (so the library builds for iOS and
/// Android without a C toolchain); its bytes may differ from stock's C zlib while
/// inflating to the same instruction, which is all a peer needs (the vector tests
/// check both directions: stock's streams inflate here, ours inflate to the captures).
pub fn compress(data: &[u8]) -> Vec<u8> {
    Compressor::new().compress(data)
}

/// A zlib compressor kept across instructions: setting up a deflate stream (its
/// window and hash tables) costs more than compressing a keystroke, so a sender
/// resets one stream instead of creating one per instruction. Each call still emits
/// a complete, independent zlib stream.
pub struct Compressor {
    stream: Compress,
}

impl Default for Compressor {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for Compressor {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Compressor")
    }
}

impl Compressor {
    /// A compressor at zlib's default level (6), as stock mosh uses.
    pub fn new() -> Self {
        Self {
            stream: Compress::new(Compression::default(), true),
        }
    }

    /// Compresses `data` into one complete zlib stream.
    pub fn compress(&mut self, data: &[u8]) -> Vec<u8> {
        self.stream.reset();
        // Room for incompressible input: deflate adds a few bytes per stored block,
        // plus the 2-byte header and 4-byte checksum.
        let mut out = Vec::with_capacity(data.len() + data.len() / 1000 + 64);
        loop {
            let consumed = self.stream.total_in() as usize;
            let status = self
                .stream
                .compress_vec(&data[consumed..], &mut out, FlushCompress::Finish)
                .expect("deflate with Finish on a reset stream cannot fail");
            if status == Status::StreamEnd {
                return out;
            }
            out.reserve(out.capacity().max(64));
        }
    }
}

/// Inflates one complete zlib stream of at most `limit` bytes of output. Memory use
/// stays within `limit` plus one growth step, whatever the input claims.
pub fn decompress(data: &[u8], limit: usize) -> Result<Vec<u8>, DecompressError> {
    let mut inflater = Decompress::new(true);
    let cap = limit.saturating_add(1);
    let mut out: Vec<u8> = Vec::with_capacity(data.len().saturating_mul(4).max(64).min(cap));
    loop {
        if out.len() == out.capacity() {
            let room = (cap - out.len()).min(out.capacity());
            out.reserve_exact(room);
        }
        let consumed = inflater.total_in() as usize;
        let produced = out.len();
        let status = inflater
            .decompress_vec(&data[consumed..], &mut out, FlushDecompress::None)
            .map_err(|_| DecompressError::Corrupt)?;
        if out.len() > limit {
            return Err(DecompressError::TooLarge { limit });
        }
        if status == Status::StreamEnd {
            let used = inflater.total_in() as usize;
            return match data.len() - used {
                0 => Ok(out),
                extra => Err(DecompressError::TrailingData(extra)),
            };
        }
        let progressed = inflater.total_in() as usize != consumed || out.len() != produced;
        if !progressed && out.len() < out.capacity() {
            return Err(DecompressError::Truncated);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_starts_like_stock_streams() {
        let data = b"\x08\x02\x10\x00\x18\x01 hello hello hello".repeat(50);
        let compressed = compress(&data);
        assert_eq!(&compressed[..2], &[0x78, 0x9c]);
        assert_eq!(decompress(&compressed, MAX_INSTRUCTION_LEN).unwrap(), data);
        assert_eq!(decompress(&compress(b""), 0).unwrap(), b"");
    }

    #[test]
    fn a_reused_compressor_gives_the_same_streams_as_fresh_ones() {
        let mut compressor = Compressor::new();
        let inputs: [&[u8]; 4] = [b"first", &[0u8; 70_000], b"", b"first"];
        for input in inputs {
            assert_eq!(compressor.compress(input), compress(input));
            let expected = flate2_reference(input);
            assert_eq!(compressor.compress(input), expected);
        }
    }

    fn flate2_reference(data: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), Compression::default());
        encoder.write_all(data).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn exact_limit_passes_and_one_more_byte_fails() {
        let data = vec![7u8; 10_000];
        let compressed = compress(&data);
        assert_eq!(decompress(&compressed, 10_000).unwrap().len(), 10_000);
        assert_eq!(
            decompress(&compressed, 9_999),
            Err(DecompressError::TooLarge { limit: 9_999 })
        );
    }

    #[test]
    fn rejects_truncation_trailing_bytes_and_garbage() {
        let compressed = compress(b"some instruction bytes");
        for cut in 0..compressed.len() {
            let err = decompress(&compressed[..cut], 100).unwrap_err();
            assert!(
                matches!(err, DecompressError::Truncated | DecompressError::Corrupt),
                "cut {cut}: {err:?}"
            );
        }
        let mut extra = compressed.clone();
        extra.extend_from_slice(b"xy");
        assert_eq!(
            decompress(&extra, 100),
            Err(DecompressError::TrailingData(2))
        );
        let mut bad_checksum = compressed;
        *bad_checksum.last_mut().unwrap() ^= 1;
        assert_eq!(
            decompress(&bad_checksum, 100),
            Err(DecompressError::Corrupt)
        );
        assert_eq!(
            decompress(b"\x1f\x8b\x08\x00", 100),
            Err(DecompressError::Corrupt)
        );
    }
}
