//! Painting the session on a real terminal, as `mosh-client` does (`terminal.md` §11):
//! each frame is the escape sequences that turn what the terminal shows into the
//! newest screen.

use std::sync::Arc;

use crate::session::ScreenRow;
use crate::terminal::{Capabilities, Display, Framebuffer, Rendition, Row, char_width};

/// What to write when taking over the terminal: `smcup` (when wanted) then
/// application cursor keys, so arrows leave the keyboard as `ESC O A`.
pub fn open_sequence(alternate_screen: bool) -> Vec<u8> {
    let mut out = Vec::new();
    if alternate_screen {
        out.extend_from_slice(b"\x1b[?1049h");
    }
    out.extend_from_slice(b"\x1b[?1h");
    out
}

/// What to write when giving the terminal back: normal cursor keys, default pen,
/// visible cursor, every mouse mode off, then `rmcup` (when used).
pub fn close_sequence(alternate_screen: bool) -> Vec<u8> {
    let mut out = b"\x1b[?1l\x1b[0m\x1b[?25h\x1b[?1003l\x1b[?1002l\x1b[?1001l\x1b[?1000l\
\x1b[?1015l\x1b[?1006l\x1b[?1005l"
        .to_vec();
    if alternate_screen {
        out.extend_from_slice(b"\x1b[?1049l");
    }
    out
}

/// The capabilities of the local terminal named by `$TERM` (xterm-likes have ECH,
/// BCE and titles; others get the conservative choice for each).
pub fn capabilities_for_term(term: &str) -> Capabilities {
    const TITLED: [&str; 7] = [
        "xterm",
        "rxvt",
        "kterm",
        "Eterm",
        "alacritty",
        "screen",
        "tmux",
    ];
    let titles = TITLED.iter().any(|prefix| term.starts_with(prefix));
    let xterm_like =
        term.starts_with("xterm") || term.starts_with("tmux") || term.starts_with("screen");
    Capabilities {
        ech: xterm_like || term.starts_with("rxvt") || term.starts_with("alacritty"),
        bce: term.starts_with("xterm") || term.starts_with("screen") || term.starts_with("rxvt"),
        titles,
    }
}

/// Paints successive screens on one terminal.
#[derive(Debug)]
pub struct LocalTerminal {
    display: Display,
    painted: Framebuffer,
    title_prefix: Option<String>,
    repaint: bool,
    /// Scrollback lines pushed into the terminal's own scrollback so far (counted
    /// as the session counts them).
    scrollback_seen: u64,
    /// Whether the terminal's own scrollback is filled (see `keep_scrollback`).
    keep_scrollback: bool,
    /// Whether anything was painted yet.
    painted_once: bool,
}

impl LocalTerminal {
    /// A painter for a terminal of `columns` × `rows` with `caps`. `title_prefix`
    /// (stock: `[mosh] `) is put before the remote program's window title.
    pub fn new(caps: Capabilities, columns: u16, rows: u16, title_prefix: Option<String>) -> Self {
        LocalTerminal {
            display: Display::new(caps),
            painted: Framebuffer::new(columns.into(), rows.into()),
            title_prefix,
            repaint: true,
            scrollback_seen: 0,
            keep_scrollback: false,
            painted_once: false,
        }
    }

    /// The terminal keeps its own scrollback (it is not on its alternate screen):
    /// only [`LocalTerminal::push_scrollback`] may put lines there, so frames never
    /// scroll rows off its top.
    /// The first paint pushes what the terminal showed before into its scrollback
    /// (a whole-screen scroll), so nothing the user had is lost; later full repaints
    /// erase row by row.
    pub fn keep_scrollback(&mut self) {
        self.display.set_keep_scrollback(true);
        self.keep_scrollback = true;
    }

    /// How many of the session's scrollback lines (as counted by
    /// `SessionHandle::scrollback_since`) were pushed.
    pub fn scrollback_seen(&self) -> u64 {
        self.scrollback_seen
    }

    /// The bytes that put `lines` (the session's scrollback lines up to number
    /// `seen`, oldest first) into the terminal's own scrollback: each is written on
    /// the top row, which a scroll of the whole screen then pushes off. The rows
    /// below move up with it; the next [`LocalTerminal::paint`] repaints what
    /// changed. Lines wider than the terminal are cut.
    pub fn push_scrollback(&mut self, lines: &[ScreenRow], seen: u64) -> Vec<u8> {
        self.scrollback_seen = seen;
        let mut out = Vec::new();
        if lines.is_empty() {
            return out;
        }
        let (width, height) = (self.painted.width(), self.painted.height());
        out.extend_from_slice(b"\x1b[r");
        for line in lines {
            out.extend_from_slice(b"\x1b[H\x1b[0m\x1b[2K");
            let mut column = 0;
            for run in &line.runs {
                run.rendition.write_sgr(&mut out);
                if column + run.width <= width {
                    out.extend_from_slice(run.text.as_bytes());
                    column += run.width;
                    continue;
                }
                for c in run.text.chars() {
                    let cells = usize::from(char_width(c).max(0) as u8);
                    if column + cells > width {
                        break;
                    }
                    let mut utf8 = [0; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                    column += cells;
                }
                break;
            }
            out.extend_from_slice(format!("\x1b[0m\x1b[{height};1H\n").as_bytes());
        }
        // What the terminal now shows: the painted rows moved up, blank rows below,
        // the cursor at the bottom left, the default pen.
        let moved = lines.len().min(height);
        self.painted.rows.rotate_left(moved);
        for row in &mut self.painted.rows[height - moved..] {
            *row = Arc::new(Row::new(width, Rendition::default()));
        }
        self.painted.ds.cursor_row = height - 1;
        self.painted.ds.cursor_col = 0;
        self.painted.ds.pending_wrap = false;
        self.painted.ds.pen = Rendition::default();
        out
    }

    /// Titles are painted without the prefix from now on: the last frame at
    /// shutdown leaves the remote program's own title (`prediction.md` §11.3).
    pub fn drop_title_prefix(&mut self) {
        self.title_prefix = None;
    }

    /// The next paint redraws everything (Ctrl-L, resume from suspend, resize).
    pub fn request_repaint(&mut self) {
        self.repaint = true;
    }

    /// The bytes that turn the terminal into `screen`; empty when nothing changed.
    pub fn paint(&mut self, screen: &Framebuffer) -> Vec<u8> {
        let mut next = screen.clone();
        if let Some(prefix) = &self.title_prefix
            && next.title_initialized()
        {
            let title = format!("{prefix}{}", next.window_title());
            if next.icon_name() == next.window_title() {
                next.set_icon_name(&title);
            }
            next.set_window_title(&title);
        }
        let initialized = !std::mem::take(&mut self.repaint);
        let mut bytes = Vec::new();
        if self.keep_scrollback && !std::mem::replace(&mut self.painted_once, true) {
            let height = self.painted.height();
            bytes.extend_from_slice(format!("\x1b[r\x1b[{height};1H").as_bytes());
            bytes.extend(std::iter::repeat_n(b'\n', height));
        }
        bytes.extend_from_slice(self.display.new_frame(initialized, &self.painted, &next));
        self.painted = next;
        bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::terminal::Emulator;

    #[test]
    fn paints_what_changed_and_a_local_emulator_shows_the_screen() {
        let mut remote = Emulator::new(20, 4);
        remote.feed(b"hello\r\nworld\x1b]0;vim\x07");
        let mut local = LocalTerminal::new(
            capabilities_for_term("xterm-256color"),
            20,
            4,
            Some("[mosh] ".into()),
        );
        let first = local.paint(remote.framebuffer());
        let mut screen = Emulator::new(20, 4);
        screen.feed(&first);
        assert_eq!(screen.framebuffer().window_title(), "[mosh] vim");
        let row = |e: &Emulator, r: usize| e.framebuffer().rows()[r].text();
        assert!(row(&screen, 0).starts_with("hello"));
        assert!(local.paint(remote.framebuffer()).is_empty());
        remote.feed(b"!");
        let small = local.paint(remote.framebuffer());
        assert!(small.len() < 12, "{small:?}");
        screen.feed(&small);
        assert!(row(&screen, 1).starts_with("world!"));
    }

    #[test]
    fn lines_that_scrolled_off_enter_the_terminals_own_scrollback_and_nothing_else() {
        use crate::session::Scrollback;
        let mut remote = Emulator::new(20, 4);
        let mut local = LocalTerminal::new(capabilities_for_term("xterm"), 20, 4, None);
        local.keep_scrollback();
        // The user's terminal, keeping what scrolls off its top.
        let mut screen = Emulator::new(20, 4);
        screen.capture_scrolled_rows(true);
        let mut capture = Scrollback::new(100);
        let mut last = remote.framebuffer().clone();
        let mut pushed = Vec::new();
        let text = |e: &Emulator| -> Vec<String> {
            e.framebuffer().rows().iter().map(|r| r.text()).collect()
        };
        for n in 1..=12 {
            remote.feed(format!("\x1b[1mline\x1b[m {n}\r\n").as_bytes());
            let frame = remote.framebuffer().clone();
            capture.observe(&last, &frame);
            last = frame;
            let ring = capture.ring();
            let new: Vec<ScreenRow> = ring
                .iter()
                .skip(ring.len() - (ring.pushed() - local.scrollback_seen()) as usize)
                .map(|l| (**l).clone())
                .collect();
            pushed.extend(new.iter().map(ScreenRow::text));
            screen.feed(&local.push_scrollback(&new, ring.pushed()));
            screen.feed(&local.paint(remote.framebuffer()));
            assert_eq!(text(&screen), text(&remote), "after line {n}");
        }
        let kept: Vec<String> = screen
            .take_scrolled_rows()
            .iter()
            .map(|r| r.text())
            .collect();
        assert_eq!(
            pushed,
            (1..=9).map(|n| format!("line {n}")).collect::<Vec<_>>()
        );
        // The first paint pushed what the terminal showed before (a blank screen).
        assert_eq!(kept[..4], ["", "", "", ""]);
        assert_eq!(kept[4..], pushed);
        // A full repaint (Ctrl-L) erases row by row: nothing enters the scrollback.
        local.request_repaint();
        screen.feed(&local.paint(remote.framebuffer()));
        assert!(screen.take_scrolled_rows().is_empty());
        assert_eq!(text(&screen), text(&remote));
        // A redraw (a pager) repaints in place: nothing enters the scrollback.
        remote.feed(b"\x1b[H\x1b[2Jpage 1\r\npage 2\r\npage 3\r\n:");
        screen.feed(&local.paint(remote.framebuffer()));
        remote.feed(b"\r\x1b[Kpage 4\r\n:");
        screen.feed(&local.paint(remote.framebuffer()));
        assert!(screen.take_scrolled_rows().is_empty());
        assert_eq!(text(&screen), text(&remote));
    }

    #[test]
    fn capabilities() {
        assert!(capabilities_for_term("xterm-256color").titles);
        assert!(!capabilities_for_term("linux").titles);
        assert!(capabilities_for_term("tmux-256color").ech);
    }
}
