//! The frame generator (terminal.md §9): the escape-sequence bytes that turn the
//! screen a receiver shows into a new one. The server's "host bytes" and the
//! client's painting of a real terminal both come from here.

mod rows;
mod tracker;

use super::modes::{DecMode, MOUSE_ENCODING_RESETS, MOUSE_REPORTING_RESETS};
use std::sync::Arc;

use super::framebuffer::Framebuffer;
use super::rendition::{Rendition, push_decimal};
use super::row::Row;
use rows::{RowContext, as_received, draw_row, scroll_shortcut};
use tracker::Tracker;

/// What the receiving terminal supports (terminal.md §11).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capabilities {
    /// `CSI n X` (erase characters) exists.
    pub ech: bool,
    /// Erases use the current background (background-colour erase).
    pub bce: bool,
    /// Window titles may be set.
    pub titles: bool,
}

impl Capabilities {
    /// What a server assumes of any mosh client: ECH, BCE and titles.
    pub const SERVER: Self = Self {
        ech: true,
        bce: true,
        titles: true,
    };
}

/// A frame generator with fixed capabilities and a reusable output buffer.
#[derive(Clone, Debug)]
pub struct Display {
    caps: Capabilities,
    buffer: Vec<u8>,
    /// The receiver keeps its own scrollback, which only its user's history may
    /// enter: rows that moved up are redrawn rather than scrolled into place
    /// (terminal.md §9.4), and a full redraw erases row by row rather than clearing
    /// the screen (which some terminals save into their scrollback).
    keep_scrollback: bool,
}

/// Host bytes turning `last` into `current` for a mosh client (server capabilities).
/// With `initialized` false nothing is assumed about the receiver and everything is
/// redrawn (the initial full frame).
pub fn new_frame(initialized: bool, last: &Framebuffer, current: &Framebuffer) -> Vec<u8> {
    let mut out = Vec::new();
    Display::new(Capabilities::SERVER).write_frame(initialized, last, current, &mut out);
    out
}

impl Display {
    /// A generator for a receiver with `caps`.
    pub fn new(caps: Capabilities) -> Self {
        Self {
            caps,
            buffer: Vec::new(),
            keep_scrollback: false,
        }
    }

    /// The receiver is a terminal on its main screen whose scrollback the painter
    /// fills itself: frames never scroll rows off its top nor clear it whole.
    pub fn set_keep_scrollback(&mut self, on: bool) {
        self.keep_scrollback = on;
    }

    /// The capabilities.
    pub fn capabilities(&self) -> Capabilities {
        self.caps
    }

    /// Generates a frame into the generator's own buffer and returns it; the buffer
    /// is reused by the next call.
    pub fn new_frame(
        &mut self,
        initialized: bool,
        last: &Framebuffer,
        next: &Framebuffer,
    ) -> &[u8] {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        self.write_frame(initialized, last, next, &mut buffer);
        self.buffer = buffer;
        &self.buffer
    }

    /// Appends the frame turning `last` into `next` to `out` (emission order of
    /// terminal.md §9.2).
    pub fn write_frame(
        &self,
        initialized: bool,
        last: &Framebuffer,
        next: &Framebuffer,
        out: &mut Vec<u8>,
    ) {
        if last.bell_count != next.bell_count {
            out.push(0x07);
        }
        if self.caps.titles
            && next.title_initialized
            && (!initialized
                || !last.title_initialized
                || last.icon_name != next.icon_name
                || last.window_title != next.window_title)
        {
            if next.icon_name == next.window_title {
                write_osc(out, "0;", &next.window_title);
            } else {
                write_osc(out, "1;", &next.icon_name);
                write_osc(out, "2;", &next.window_title);
            }
        }
        if last.clipboard != next.clipboard {
            write_osc(out, "52;c;", &next.clipboard);
        }
        if !initialized || last.ds.reverse_video != next.ds.reverse_video {
            write_mode(out, DecMode::ReverseVideo.number(), next.ds.reverse_video);
        }
        let (width, height) = (next.width(), next.height());
        let resized = width != last.width() || height != last.height();
        let initialized = initialized && !resized;
        let mut t = Tracker::new(
            out,
            Some(last.cursor()),
            last.ds.pen,
            last.ds.cursor_visible,
            width,
        );
        if !initialized {
            if self.keep_scrollback {
                t.out.extend_from_slice(b"\x1b[r\x1b[0m");
                for row in 1..=height {
                    t.out.extend_from_slice(b"\x1b[");
                    push_decimal(t.out, row as u32);
                    t.out.extend_from_slice(b"H\x1b[2K");
                }
                t.out.extend_from_slice(b"\x1b[H");
            } else {
                t.out.extend_from_slice(b"\x1b[r\x1b[0m\x1b[H\x1b[2J");
            }
            t.cursor = Some((0, 0));
            t.assume_pen(Rendition::default());
            t.out.extend_from_slice(b"\x1b[?25l");
            t.visible = false;
        }
        let mut first_row = 0;
        let mut old_rows: Vec<Arc<Row>>;
        if initialized {
            old_rows = as_received(&last.rows);
            if !self.keep_scrollback {
                first_row = scroll_shortcut(&mut t, &mut old_rows, &next.rows, height);
            }
        } else {
            // Nothing is compared when redrawing everything.
            old_rows = next.rows.clone();
        }
        let ctx = RowContext {
            initialized,
            width,
            height,
            caps: self.caps,
        };
        let mut forced_wrap = false;
        let rows = next.rows.iter().zip(&old_rows).enumerate().skip(first_row);
        for (y, (new_row, old_row)) in rows {
            forced_wrap = draw_row(&mut t, &ctx, y, new_row, old_row, forced_wrap);
        }
        let cursor = next.cursor();
        if !initialized || t.cursor != Some(cursor) {
            t.move_to(cursor.0, cursor.1);
        }
        if !initialized || t.visible != next.ds.cursor_visible {
            write_mode(
                t.out,
                DecMode::CursorVisible.number(),
                next.ds.cursor_visible,
            );
        }
        t.set_pen(next.ds.pen, !initialized);
        let (l, n) = (&last.ds, &next.ds);
        if !initialized || l.bracketed_paste != n.bracketed_paste {
            write_mode(out, DecMode::BracketedPaste.number(), n.bracketed_paste);
        }
        if !initialized || l.mouse_reporting != n.mouse_reporting {
            switch_mode_group(
                out,
                l.mouse_reporting,
                n.mouse_reporting,
                &MOUSE_REPORTING_RESETS,
            );
        }
        if !initialized || l.mouse_focus != n.mouse_focus {
            write_mode(out, DecMode::MouseFocusEvents.number(), n.mouse_focus);
        }
        if !initialized || l.mouse_encoding != n.mouse_encoding {
            switch_mode_group(
                out,
                l.mouse_encoding,
                n.mouse_encoding,
                &MOUSE_ENCODING_RESETS,
            );
        }
    }
}

fn write_osc(out: &mut Vec<u8>, prefix: &str, text: &str) {
    out.extend_from_slice(b"\x1b]");
    out.extend_from_slice(prefix.as_bytes());
    out.extend_from_slice(text.as_bytes());
    out.push(0x07);
}

fn write_mode(out: &mut Vec<u8>, mode: u16, on: bool) {
    out.extend_from_slice(b"\x1b[?");
    push_decimal(out, u32::from(mode));
    out.push(if on { b'h' } else { b'l' });
}

/// Switches a group of exclusive modes (mouse reporting or encoding; 0 = none).
fn switch_mode_group(out: &mut Vec<u8>, last: u16, next: u16, all_off: &[u16]) {
    if next == 0 {
        for &mode in all_off {
            write_mode(out, mode, false);
        }
        return;
    }
    if last != 0 {
        write_mode(out, last, false);
    }
    write_mode(out, next, true);
}
