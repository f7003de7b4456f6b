//! Painting the session on a real terminal, as `mosh-client` does (`terminal.md` §11):
//! each frame is the escape sequences that turn what the terminal shows into the
//! newest screen.

use crate::terminal::{Capabilities, Display, Framebuffer};

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
        }
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
        let bytes = self
            .display
            .new_frame(initialized, &self.painted, &next)
            .to_vec();
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
    fn capabilities() {
        assert!(capabilities_for_term("xterm-256color").titles);
        assert!(!capabilities_for_term("linux").titles);
        assert!(capabilities_for_term("tmux-256color").ech);
    }
}
