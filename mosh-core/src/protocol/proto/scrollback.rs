//! The scrollback extension (`docs/scrollback-extension.md`): field 20 of a
//! user-stream `Instruction` announces that the client takes scrollback lines;
//! field 20 of a host `Instruction` carries lines that scrolled off the server's
//! screen. Stock peers skip both as unknown fields, and a server sends field 20 only
//! to a client that announced it.

use prost::Message;

/// The field number both directions use.
pub const SCROLLBACK_FIELD: u32 = 20;

/// The extension's version this library speaks.
pub const SCROLLBACK_VERSION: u32 = 1;

/// The version of the announcement this library sends. Version 2 added how many
/// lines the client keeps (field 2 of [`ScrollbackCapability`]; a version-1 server
/// reads only field 1); version 3, that a client may announce again with a new
/// `lines` (a data saver lowering what the server sends, or lifting it again): a
/// version-3 server applies the newest announcement, an older one keeps the first.
pub const CAPABILITY_REANNOUNCED: u32 = 3;

/// A client's announcement in typed form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Announcement {
    /// The newest version the client speaks.
    pub version: u32,
    /// The newest lines the client keeps: the server never sends a line that cannot
    /// be among them. `None`: no bound (a version-1 client).
    pub lines: Option<u32>,
}

/// Client to server (user `Instruction` field 20): "I take scrollback lines".
#[derive(Clone, PartialEq, Eq, Message)]
pub struct ScrollbackCapability {
    /// The newest version the client speaks.
    #[prost(uint32, optional, tag = "1")]
    pub version: Option<u32>,
    /// From version 2: the newest lines the client keeps.
    #[prost(uint32, optional, tag = "2")]
    pub lines: Option<u32>,
}

/// Server to client (host `Instruction` field 20): lines that scrolled off the top
/// of the server's main screen, numbered from 0 at the start of the session.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct ScrollbackLines {
    /// The version the server speaks (at most the client's).
    #[prost(uint32, optional, tag = "1")]
    pub version: Option<u32>,
    /// Number of `lines[0]`; lines below it that the client lacks are lost.
    #[prost(uint64, optional, tag = "2")]
    pub first: Option<u64>,
    /// The lines, oldest first: each an encoded [`LineMessage`] (on the wire a
    /// length-delimited field either way), so a server encodes a line once however
    /// many diffs carry it, and a client decodes each with its bounds.
    #[prost(bytes = "bytes", repeated, tag = "3")]
    pub lines: Vec<bytes::Bytes>,
}

/// One line: styled runs, trailing blanks left out.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct LineMessage {
    /// The runs, left to right.
    #[prost(message, repeated, tag = "1")]
    pub runs: Vec<RunMessage>,
}

/// Consecutive cells of one rendition.
#[derive(Clone, PartialEq, Eq, Message)]
pub struct RunMessage {
    /// First column.
    #[prost(uint32, tag = "1")]
    pub column: u32,
    /// Columns covered (a wide character counts two).
    #[prost(uint32, tag = "2")]
    pub width: u32,
    /// The text.
    #[prost(string, tag = "3")]
    pub text: String,
    /// 0 default, `0x100 | i` palette entry `i`, `0x1000000 | rgb` 24-bit.
    #[prost(uint32, tag = "4")]
    pub foreground: u32,
    /// Same encoding as `foreground`.
    #[prost(uint32, tag = "5")]
    pub background: u32,
    /// Bit 0 bold, 1 italic, 2 underline, 3 blink, 4 inverse, 5 invisible.
    #[prost(uint32, tag = "6")]
    pub attributes: u32,
}
