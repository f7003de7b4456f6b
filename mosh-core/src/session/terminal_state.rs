//! The server→client state: the complete terminal (framebuffer plus echo ack) and its
//! diffs, `HostMessage`s (`terminal.md` §10, `protocol.md` §10.2).

use prost::Message;

use crate::protocol::proto::{DiffError, HostEvent, HostMessage, WindowSize};
use crate::protocol::ssp::SyncState;

use super::scrollback::ScrollbackPart;
use crate::terminal::{Emulator, Framebuffer, new_frame};

/// One version of the terminal the server synchronizes to the client.
#[derive(Debug, Clone, PartialEq)]
pub struct TerminalState {
    framebuffer: Framebuffer,
    echo_ack: u64,
    /// The scrollback extension's part (`docs/scrollback-extension.md`): unused
    /// unless the client announced it.
    scrollback: ScrollbackPart,
}

impl TerminalState {
    /// A blank screen of `columns` × `rows` with echo ack 0: state 0 of a session.
    pub fn blank(columns: u16, rows: u16) -> Self {
        TerminalState {
            framebuffer: Framebuffer::new(columns.into(), rows.into()),
            echo_ack: 0,
            scrollback: ScrollbackPart::default(),
        }
    }

    /// A state holding this screen and echo ack.
    pub fn new(framebuffer: Framebuffer, echo_ack: u64) -> Self {
        TerminalState {
            framebuffer,
            echo_ack,
            scrollback: ScrollbackPart::default(),
        }
    }

    /// This state with the scrollback extension's part.
    pub fn with_scrollback(mut self, scrollback: ScrollbackPart) -> Self {
        self.scrollback = scrollback;
        self
    }

    /// The scrollback extension's part.
    pub fn scrollback(&self) -> &ScrollbackPart {
        &self.scrollback
    }

    /// The screen.
    pub fn framebuffer(&self) -> &Framebuffer {
        &self.framebuffer
    }

    /// The newest client state whose keystrokes have had their effect on this screen.
    pub fn echo_ack(&self) -> u64 {
        self.echo_ack
    }
}

/// Bytes a row costs besides its cells (the `Arc`, the `Vec` header, the id).
const ROW_OVERHEAD: usize = 64;

impl SyncState for TerminalState {
    type ApplyError = DiffError;

    fn diff_from(&self, base: &Self) -> Vec<u8> {
        let mut events = Vec::new();
        if self.echo_ack != base.echo_ack {
            events.push(HostEvent::EchoAck(self.echo_ack));
        }
        if self.framebuffer != base.framebuffer {
            let (old, new) = (&base.framebuffer, &self.framebuffer);
            if old.width() != new.width() || old.height() != new.height() {
                events.push(HostEvent::Resize(WindowSize {
                    width: clamp_dimension(new.width()),
                    height: clamp_dimension(new.height()),
                }));
            }
            let bytes = new_frame(true, old, new);
            if !bytes.is_empty() {
                events.push(HostEvent::HostBytes(bytes));
            }
        }
        if let Some(lines) = self.scrollback.diff_from(&base.scrollback) {
            events.push(HostEvent::Scrollback(lines));
        }
        if events.is_empty() {
            return Vec::new();
        }
        HostMessage::from_events(&events).encode_to_vec()
    }

    fn apply(&mut self, diff: &[u8]) -> Result<(), DiffError> {
        let events = HostMessage::decode_events(diff)?;
        let mut emulator: Option<Emulator> = None;
        self.scrollback.clear_delivery();
        for event in events {
            match event {
                HostEvent::HostBytes(bytes) => {
                    let emu = emulator.get_or_insert_with(|| {
                        Emulator::with_framebuffer(self.framebuffer.clone())
                    });
                    emu.feed(&bytes);
                    // A server never asks the client's emulator questions (protocol.md
                    // §18.3); if one does, the answers go nowhere.
                    let _ = emu.take_replies();
                }
                HostEvent::Resize(size) => {
                    let emu = emulator.get_or_insert_with(|| {
                        Emulator::with_framebuffer(self.framebuffer.clone())
                    });
                    emu.resize(size.width.into(), size.height.into());
                }
                // Echo acks never decrease (terminal.md §14); stock clients abort on a
                // decrease, which would end the session over a server bug, so a
                // smaller value is ignored instead.
                HostEvent::EchoAck(num) => self.echo_ack = self.echo_ack.max(num),
                HostEvent::Scrollback(lines) => self.scrollback.apply(&lines)?,
            }
        }
        if let Some(emu) = emulator {
            self.framebuffer = emu.framebuffer().clone();
        }
        Ok(())
    }

    /// The reset base: a blank 1×1 screen, echo ack 0, no history. A diff from it
    /// carries the whole state (a resize to any other size, every cell and mode).
    fn rebuilt_base(_extent: u64) -> Option<Self> {
        Some(TerminalState::blank(1, 1))
    }

    /// The cells of the screen (counted whole: rows shared with other versions count
    /// for each), which is what a hostile server could inflate, and the scrollback
    /// lines this version's diff delivered. Text clusters' own allocations are small
    /// and bounded per cell, and left out.
    fn heap_bytes(&self) -> usize {
        let (width, height) = (self.framebuffer.width(), self.framebuffer.height());
        let screen = height * (width * std::mem::size_of::<crate::terminal::Cell>() + ROW_OVERHEAD);
        screen + self.scrollback.heap_bytes()
    }
}

/// Framebuffers are at most [`crate::protocol::proto::resize::MAX_DIMENSION`] in each direction
/// because every size they take comes from a validated `WindowSize`.
fn clamp_dimension(value: usize) -> u16 {
    u16::try_from(value).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_after(columns: u16, rows: u16, output: &[u8], echo_ack: u64) -> TerminalState {
        let mut emu = Emulator::new(columns.into(), rows.into());
        emu.feed(output);
        TerminalState::new(emu.framebuffer().clone(), echo_ack)
    }

    /// What a user sees: cells and cursor (hidden state such as the pen may differ
    /// between the server's copy and the client's, as in stock mosh).
    fn assert_same_screen(a: &TerminalState, b: &TerminalState) {
        let (fa, fb) = (a.framebuffer(), b.framebuffer());
        assert_eq!((fa.width(), fa.height()), (fb.width(), fb.height()));
        assert!(
            fa.rows()
                .iter()
                .zip(fb.rows())
                .all(|(x, y)| x.same_cells(y)),
            "cells differ"
        );
        assert_eq!(fa.cursor(), fb.cursor());
        assert_eq!(a.echo_ack(), b.echo_ack());
    }

    #[test]
    fn equal_states_have_an_empty_diff() {
        let a = state_after(80, 24, b"hello", 3);
        assert!(a.diff_from(&a.clone()).is_empty());
    }

    #[test]
    fn diff_applied_to_the_base_gives_the_state() {
        let base = state_after(80, 24, b"$ ", 1);
        let next = state_after(80, 24, b"$ ls\r\nfile\r\n$ \x1b[31mred", 4);
        let mut applied = base.clone();
        applied.apply(&next.diff_from(&base)).unwrap();
        assert_same_screen(&applied, &next);
    }

    #[test]
    fn a_diff_from_the_reset_base_rebuilds_any_state() {
        // Colours, a wide character, a title, modes (application cursor keys,
        // bracketed paste, mouse reporting) and the cursor away from the text.
        let output = "\x1b]0;title\x07\x1b[?1h\x1b[?2004h\x1b[?1000h\x1b[1;38;5;200mbold\x1b[0m \
                      界\r\n\x1b[44m  \x1b[0m\x1b[5;7H";
        for (columns, rows) in [(80, 24), (1, 1), (132, 50)] {
            let next = state_after(columns, rows, output.as_bytes(), 9);
            let reset = TerminalState::rebuilt_base(0).unwrap();
            let mut applied = TerminalState::rebuilt_base(12345).unwrap();
            applied.apply(&next.diff_from(&reset)).unwrap();
            assert_same_screen(&applied, &next);
            let (got, want) = (applied.framebuffer(), next.framebuffer());
            assert_eq!(got.window_title(), want.window_title());
            assert_eq!(got.bracketed_paste(), want.bracketed_paste());
            assert_eq!(got.mouse_reporting(), want.mouse_reporting());
        }
    }

    #[test]
    fn size_change_carries_a_resize() {
        let base = TerminalState::blank(80, 24);
        let next = state_after(100, 30, b"wide", 0);
        let diff = next.diff_from(&base);
        let events = HostMessage::decode_events(&diff).unwrap();
        assert!(events.contains(&HostEvent::Resize(WindowSize {
            width: 100,
            height: 30
        })));
        let mut applied = base.clone();
        applied.apply(&diff).unwrap();
        assert_same_screen(&applied, &next);
    }

    #[test]
    fn echo_ack_only_diff_and_decrease_ignored() {
        let base = state_after(80, 24, b"x", 2);
        let next = TerminalState::new(base.framebuffer().clone(), 5);
        let diff = next.diff_from(&base);
        assert_eq!(
            HostMessage::decode_events(&diff).unwrap(),
            vec![HostEvent::EchoAck(5)]
        );
        let mut later = next.clone();
        let backwards = HostMessage::from_events(&[HostEvent::EchoAck(1)]).encode_to_vec();
        later.apply(&backwards).unwrap();
        assert_eq!(later.echo_ack(), 5);
    }

    #[test]
    fn scrollback_lines_travel_only_once_announced_and_land_once() {
        use crate::session::scrollback::{ScrollLog, ScrollbackPart};
        let mut emu = Emulator::new(20, 3);
        emu.capture_scrolled_rows(true);
        emu.feed(b"1\r\n2\r\n3\r\n4\r\n5\r\n");
        let log = ScrollLog::default();
        log.push(emu.take_scrolled_rows());
        assert_eq!(log.end(), 3);
        let plain = TerminalState::new(emu.framebuffer().clone(), 0);
        let base = TerminalState::blank(20, 3);
        // Without the extension (no announcement): no field 20.
        let events = HostMessage::decode_events(&plain.diff_from(&base)).unwrap();
        assert!(!events.iter().any(|e| matches!(e, HostEvent::Scrollback(_))));
        // With it: the lines, numbered.
        let first = plain
            .clone()
            .with_scrollback(ScrollbackPart::server(log.clone(), 2));
        let mut client = base.clone();
        client.apply(&first.diff_from(&base)).unwrap();
        let (from, lines) = client.scrollback().delivered();
        assert_eq!(from, 0);
        assert_eq!(
            lines.iter().map(|l| l.text()).collect::<Vec<_>>(),
            ["1", "2"]
        );
        // The next state carries only what is new to its base.
        let second = plain.with_scrollback(ScrollbackPart::server(log, 3));
        let mut next = client.clone();
        next.apply(&second.diff_from(&first)).unwrap();
        let (from, lines) = next.scrollback().delivered();
        assert_eq!((from, lines.len(), next.scrollback().end()), (2, 1, 3));
        // A diff without lines delivers none.
        let mut again = next.clone();
        again.apply(&second.diff_from(&second)).unwrap();
        assert!(again.scrollback().delivered().1.is_empty());
    }

    #[test]
    fn garbage_is_a_typed_error() {
        let mut s = TerminalState::blank(80, 24);
        assert!(matches!(
            s.apply(&[0xff, 0xff, 0xff]),
            Err(DiffError::Malformed(_))
        ));
    }
}
