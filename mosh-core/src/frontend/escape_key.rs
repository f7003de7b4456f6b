//! The client's escape key (`prediction.md` §11.4, `protocol.md` §16.3): Ctrl-^ then
//! `.` quits, Ctrl-^ then `^` sends a literal Ctrl-^, and so on.

/// The configured escape key and its "pass" key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscapeKeyConfig {
    /// The escape byte, or `None` when escapes are disabled.
    pub key: Option<u8>,
    /// The key that, typed after the escape key, sends the escape byte itself.
    pub pass: u8,
}

/// Ctrl-^ (RS).
const DEFAULT_KEY: u8 = 0x1e;
/// Bytes never accepted as an escape key: Ctrl-C, Ctrl-D, LF, Ctrl-L, CR.
const REFUSED: [u8; 5] = [0x03, 0x04, b'\n', 0x0c, b'\r'];
const CTRL_Z: u8 = 0x1a;

impl Default for EscapeKeyConfig {
    fn default() -> Self {
        EscapeKeyConfig {
            key: Some(DEFAULT_KEY),
            pass: b'^',
        }
    }
}

impl EscapeKeyConfig {
    /// From `MOSH_ESCAPE_KEY` (`None`: unset).
    pub fn from_env_value(value: Option<&str>) -> Self {
        let Some(value) = value else {
            return Self::default();
        };
        if value.is_empty() {
            return EscapeKeyConfig {
                key: None,
                pass: b'^',
            };
        }
        match value.as_bytes() {
            &[c] if (1..=127).contains(&c) && !REFUSED.contains(&c) => EscapeKeyConfig {
                key: Some(c),
                pass: if c < 32 { c + 0x40 } else { c },
            },
            _ => Self::default(),
        }
    }

    /// How the escape key is named in the quit hint: `Ctrl-^`, `Ctrl-X`, or `"~"`.
    pub fn key_name(&self) -> Option<String> {
        let key = self.key?;
        Some(if key < 32 {
            format!("Ctrl-{}", (key + 0x40) as char)
        } else {
            format!("\"{}\"", key as char)
        })
    }

    fn is_pass(&self, byte: u8) -> bool {
        byte == self.pass
            || (self.pass.is_ascii_uppercase() && byte == self.pass.to_ascii_lowercase())
    }
}

/// What one typed byte means after escape processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscapeAction {
    /// Send these bytes to the server (possibly empty while the escape is armed).
    Send(Vec<u8>),
    /// The escape key was typed: show the help line and wait for the next key.
    Armed,
    /// Escape then `.`: quit.
    Quit,
    /// Escape then Ctrl-Z: suspend the client.
    Suspend,
}

/// Per-session escape state.
#[derive(Debug, Clone)]
pub struct EscapeKeyFilter {
    config: EscapeKeyConfig,
    armed: bool,
    after_enter: bool,
}

impl EscapeKeyFilter {
    /// A filter for this configuration.
    pub fn new(config: EscapeKeyConfig) -> Self {
        EscapeKeyFilter {
            config,
            armed: false,
            after_enter: false,
        }
    }

    /// The configuration.
    pub fn config(&self) -> &EscapeKeyConfig {
        &self.config
    }

    /// Whether the escape key was typed and the next key is awaited.
    pub fn is_armed(&self) -> bool {
        self.armed
    }

    /// Processes one typed byte.
    pub fn feed(&mut self, byte: u8) -> EscapeAction {
        let Some(key) = self.config.key else {
            return EscapeAction::Send(vec![byte]);
        };
        if self.armed {
            self.armed = false;
            return match byte {
                b'.' => EscapeAction::Quit,
                CTRL_Z => EscapeAction::Suspend,
                b if self.config.is_pass(b) => EscapeAction::Send(vec![key]),
                b => EscapeAction::Send(vec![key, b]),
            };
        }
        // A printable escape key (like ssh's `~`) only counts at the start of a line.
        if byte == key && (key < 32 || self.after_enter) {
            self.armed = true;
            self.after_enter = false;
            return EscapeAction::Armed;
        }
        self.after_enter = byte == b'\r' || byte == b'\n';
        EscapeAction::Send(vec![byte])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_rules() {
        assert_eq!(
            EscapeKeyConfig::from_env_value(None),
            EscapeKeyConfig::default()
        );
        assert_eq!(EscapeKeyConfig::from_env_value(Some("")).key, None);
        let ctrl_a = EscapeKeyConfig::from_env_value(Some("\x01"));
        assert_eq!((ctrl_a.key, ctrl_a.pass), (Some(1), b'A'));
        assert_eq!(ctrl_a.key_name().unwrap(), "Ctrl-A");
        let tilde = EscapeKeyConfig::from_env_value(Some("~"));
        assert_eq!((tilde.key, tilde.pass), (Some(b'~'), b'~'));
        for refused in ["\x03", "\x04", "\n", "\x0c", "\r", "ab", "é"] {
            assert_eq!(
                EscapeKeyConfig::from_env_value(Some(refused)),
                EscapeKeyConfig::default(),
                "{refused:?}"
            );
        }
        assert_eq!(EscapeKeyConfig::default().key_name().unwrap(), "Ctrl-^");
    }

    #[test]
    fn control_escape_anywhere() {
        let mut f = EscapeKeyFilter::new(EscapeKeyConfig::default());
        assert_eq!(f.feed(b'x'), EscapeAction::Send(b"x".to_vec()));
        assert_eq!(f.feed(0x1e), EscapeAction::Armed);
        assert_eq!(f.feed(b'.'), EscapeAction::Quit);
        assert_eq!(f.feed(0x1e), EscapeAction::Armed);
        assert_eq!(f.feed(b'^'), EscapeAction::Send(vec![0x1e]));
        assert_eq!(f.feed(0x1e), EscapeAction::Armed);
        assert_eq!(f.feed(b'q'), EscapeAction::Send(vec![0x1e, b'q']));
        assert_eq!(f.feed(0x1e), EscapeAction::Armed);
        assert_eq!(f.feed(0x1a), EscapeAction::Suspend);
        assert!(!f.is_armed());
    }

    #[test]
    fn letter_pass_key_accepts_lower_case() {
        let mut f = EscapeKeyFilter::new(EscapeKeyConfig::from_env_value(Some("\x01")));
        assert_eq!(f.feed(1), EscapeAction::Armed);
        assert_eq!(f.feed(b'a'), EscapeAction::Send(vec![1]));
    }

    #[test]
    fn printable_escape_only_after_enter() {
        let mut f = EscapeKeyFilter::new(EscapeKeyConfig::from_env_value(Some("~")));
        // Nothing typed yet does not count as "after Enter".
        assert_eq!(f.feed(b'~'), EscapeAction::Send(b"~".to_vec()));
        assert_eq!(f.feed(b'\r'), EscapeAction::Send(b"\r".to_vec()));
        assert_eq!(f.feed(b'~'), EscapeAction::Armed);
        assert_eq!(f.feed(b'~'), EscapeAction::Send(b"~".to_vec()));
        // The escape reset the "after Enter" flag.
        assert_eq!(f.feed(b'~'), EscapeAction::Send(b"~".to_vec()));
    }

    #[test]
    fn disabled_passes_everything() {
        let mut f = EscapeKeyFilter::new(EscapeKeyConfig::from_env_value(Some("")));
        assert_eq!(f.feed(0x1e), EscapeAction::Send(vec![0x1e]));
    }
}
