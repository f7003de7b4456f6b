//! The notification bar on row 0 (`prediction.md` §11): messages, the
//! "last contact N seconds ago" count-up and the quit hint.

use std::time::{Duration, Instant};

use crate::terminal::{Attributes, Cell, Colour, Framebuffer, Rendition, char_width};

/// The server is "late" once its newest state is this old.
pub const SERVER_LATE: Duration = Duration::from_millis(6500);
/// Our states are "late" once the newest acknowledged one was sent this long ago.
pub const REPLY_LATE: Duration = Duration::from_millis(10_000);
/// Non-permanent messages last this long.
const MESSAGE_LIFETIME: Duration = Duration::from_millis(1000);
/// Network errors last one ack interval plus a little.
const NETWORK_ERROR_LIFETIME: Duration = Duration::from_millis(3100);
/// Count-up refresh while recent, and once the silence exceeds a minute.
const COUNT_UP_REFRESH: Duration = Duration::from_millis(1000);
const COUNT_UP_SLOW_REFRESH: Duration = Duration::from_millis(3000);
const COUNT_UP_SLOW_AFTER: Duration = Duration::from_secs(60);

/// White on blue (SGR 37;44).
const BAR: Rendition = Rendition {
    fg: Colour::Indexed(7),
    bg: Colour::Indexed(4),
    attrs: Attributes::empty(),
};

/// The notification engine of one client.
#[derive(Debug, Clone)]
pub struct NotificationBar {
    last_heard: Instant,
    last_acked: Instant,
    message: String,
    /// `None`: permanent.
    expires_at: Option<Instant>,
    is_network_error: bool,
    show_quit_hint: bool,
    escape_key_name: Option<String>,
}

impl NotificationBar {
    /// A bar for a client started at `now`; `escape_key_name` (`Ctrl-^`) builds the
    /// quit hint, `None` when the escape key is disabled.
    pub fn new(escape_key_name: Option<String>, now: Instant) -> Self {
        NotificationBar {
            last_heard: now,
            last_acked: now,
            message: String::new(),
            expires_at: None,
            is_network_error: false,
            show_quit_hint: true,
            escape_key_name,
        }
    }

    /// The newest server state arrived at `at`.
    pub fn server_heard(&mut self, at: Instant) {
        self.last_heard = self.last_heard.max(at);
    }

    /// The newest acknowledged client state was sent at `at`.
    pub fn server_acked(&mut self, at: Instant) {
        self.last_acked = self.last_acked.max(at);
    }

    /// Shows `message`: for 1 s, or until replaced when `permanent`.
    pub fn set_message(
        &mut self,
        message: &str,
        permanent: bool,
        show_quit_hint: bool,
        now: Instant,
    ) {
        self.message = message.to_owned();
        self.expires_at = (!permanent).then(|| now + MESSAGE_LIFETIME);
        self.is_network_error = false;
        self.show_quit_hint = show_quit_hint;
    }

    /// Shows a send failure for one ack interval.
    pub fn set_network_error(&mut self, message: &str, now: Instant) {
        self.message = message.to_owned();
        self.expires_at = Some(now + NETWORK_ERROR_LIFETIME);
        self.is_network_error = true;
        self.show_quit_hint = true;
    }

    /// A main-loop pass without a send error: a network error fades within 1 s.
    pub fn clear_network_error(&mut self, now: Instant) {
        if self.is_network_error {
            let soon = now + MESSAGE_LIFETIME;
            self.expires_at = Some(self.expires_at.map_or(soon, |at| at.min(soon)));
        }
    }

    /// Whether a message is up that stays until replaced (quit, escape-key help).
    pub fn has_lasting_message(&self) -> bool {
        !self.message.is_empty() && self.expires_at.is_none()
    }

    /// Removes the message.
    pub fn clear_message(&mut self) {
        self.message.clear();
        self.expires_at = None;
        self.is_network_error = false;
    }

    /// The current message (empty: none).
    pub fn message(&self) -> &str {
        &self.message
    }

    fn expire(&mut self, now: Instant) {
        if self.expires_at.is_some_and(|at| now >= at) {
            self.clear_message();
        }
    }

    fn server_late(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_heard) > SERVER_LATE
    }

    fn reply_late(&self, now: Instant) -> bool {
        now.saturating_duration_since(self.last_acked) > REPLY_LATE
    }

    /// The bar's text at `now` (after expiring the message), or `None` when hidden.
    pub fn text(&mut self, now: Instant) -> Option<String> {
        self.expire(now);
        let count_up = self.server_late(now) || self.reply_late(now);
        if self.message.is_empty() && !count_up {
            return None;
        }
        let (what, since) = if self.reply_late(now) && !self.server_late(now) {
            ("reply", self.last_acked)
        } else {
            ("contact", self.last_heard)
        };
        let elapsed = now.saturating_duration_since(since);
        let hint = match (&self.escape_key_name, self.show_quit_hint) {
            (Some(key), true) => format!(" [To quit: {key} .]"),
            _ => String::new(),
        };
        Some(match (self.message.is_empty(), count_up) {
            (true, _) => format!(
                "mosh: Last {what} {} ago.{hint}",
                format_duration(elapsed, false)
            ),
            (false, false) => format!("mosh: {}{hint}", self.message),
            (false, true) => format!(
                "mosh: {} ({} without {what}.){hint}",
                self.message,
                format_duration(elapsed, true)
            ),
        })
    }

    /// Draws the bar on row 0 of `frame` if it is shown at `now`.
    pub fn apply(&mut self, frame: &mut Framebuffer, now: Instant) -> bool {
        let Some(text) = self.text(now) else {
            return false;
        };
        if frame.cursor().0 == 0 {
            frame.ds.cursor_visible = false;
        }
        let width = frame.width();
        let bar = frame.row_mut(0);
        for col in 0..width {
            bar.set_cell(col, Cell::with_char(' ', false, BAR));
        }
        let mut bold = BAR;
        bold.attrs.set(Attributes::BOLD, true);
        let mut col = 0;
        for c in text.chars() {
            match char_width(c) {
                0 if col > 0 => bar.update_cell(col - 1, |cell| cell.append(c)),
                w @ (1 | 2) => {
                    let w = w as usize;
                    if col + w > width {
                        break;
                    }
                    bar.set_cell(col, Cell::with_char(c, w == 2, bold));
                    if w == 2 {
                        bar.set_cell(col + 1, Cell::blank(bold));
                    }
                    col += w;
                }
                _ => {}
            }
        }
        true
    }

    /// When the bar must be redrawn even if nothing else happens.
    pub fn poll_timeout(&self, now: Instant) -> Option<Instant> {
        let silence = now.saturating_duration_since(self.last_heard);
        let count_up = if self.server_late(now) || self.reply_late(now) {
            let step = if silence > COUNT_UP_SLOW_AFTER {
                COUNT_UP_SLOW_REFRESH
            } else {
                COUNT_UP_REFRESH
            };
            now + step
        } else {
            // The moment one of the count-ups starts.
            (self.last_heard + SERVER_LATE).min(self.last_acked + REPLY_LATE)
                + Duration::from_millis(1)
        };
        Some(self.expires_at.map_or(count_up, |at| at.min(count_up)))
    }
}

/// Whole seconds as the bar shows them: `N seconds` (`N s` when `short`) under a
/// minute, `M:SS` under an hour, `H:MM:SS` beyond.
pub fn format_duration(elapsed: Duration, short: bool) -> String {
    let s = elapsed.as_secs();
    if s < 60 {
        if short {
            format!("{s} s")
        } else {
            format!("{s} seconds")
        }
    } else if s < 3600 {
        format!("{}:{:02}", s / 60, s % 60)
    } else {
        format!("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row0(fb: &Framebuffer) -> String {
        fb.rows()[0].text()
    }

    #[test]
    fn durations() {
        let ms = Duration::from_millis;
        assert_eq!(format_duration(ms(6600), false), "6 seconds");
        assert_eq!(format_duration(ms(64_600), false), "1:04");
        assert_eq!(format_duration(ms(3_664_600), false), "1:01:04");
        assert_eq!(format_duration(ms(15_200), true), "15 s");
    }

    #[test]
    fn count_up_appears_after_six_and_a_half_seconds() {
        let t0 = Instant::now();
        let mut bar = NotificationBar::new(Some("Ctrl-^".into()), t0);
        bar.server_acked(t0 + Duration::from_secs(100));
        assert_eq!(bar.text(t0 + Duration::from_millis(6500)), None);
        assert_eq!(bar.poll_timeout(t0), Some(t0 + Duration::from_millis(6501)));
        let mut fb = Framebuffer::new(80, 3);
        assert!(bar.apply(&mut fb, t0 + Duration::from_millis(7100)));
        assert_eq!(
            row0(&fb),
            "mosh: Last contact 7 seconds ago. [To quit: Ctrl-^ .]"
        );
        let first = fb.cell(0, 0).unwrap();
        assert_eq!(first.rendition().bg, Colour::Indexed(4));
        assert!(first.rendition().attrs.contains(Attributes::BOLD));
        assert_eq!(fb.cell(0, 79).unwrap().rendition(), BAR);
        // The cursor on row 0 is hidden under the bar.
        assert!(!fb.cursor_visible());
        let now = t0 + Duration::from_secs(8);
        assert_eq!(bar.poll_timeout(now), Some(now + COUNT_UP_REFRESH));
        let now = t0 + Duration::from_secs(61);
        assert_eq!(bar.poll_timeout(now), Some(now + COUNT_UP_SLOW_REFRESH));
    }

    #[test]
    fn reply_late_only() {
        let t0 = Instant::now();
        let mut bar = NotificationBar::new(Some("Ctrl-^".into()), t0);
        let now = t0 + Duration::from_millis(10_500);
        bar.server_heard(now);
        assert_eq!(
            bar.text(now).unwrap(),
            "mosh: Last reply 10 seconds ago. [To quit: Ctrl-^ .]"
        );
    }

    #[test]
    fn message_with_count_up_then_expiry() {
        let t0 = Instant::now();
        let mut bar = NotificationBar::new(Some("Ctrl-^".into()), t0);
        bar.server_acked(t0 + Duration::from_secs(100));
        let now = t0 + Duration::from_secs(10);
        bar.set_message("hello", false, true, now);
        assert_eq!(
            bar.text(now).unwrap(),
            "mosh: hello (10 s without contact.) [To quit: Ctrl-^ .]"
        );
        assert_eq!(bar.poll_timeout(now), Some(now + MESSAGE_LIFETIME));
        let later = now + MESSAGE_LIFETIME;
        assert_eq!(
            bar.text(later).unwrap(),
            "mosh: Last contact 11 seconds ago. [To quit: Ctrl-^ .]"
        );
    }

    #[test]
    fn permanent_message_without_hint_and_truncation() {
        let t0 = Instant::now();
        let mut bar = NotificationBar::new(Some("Ctrl-^".into()), t0);
        bar.set_message("Commands: 中 x", true, false, t0);
        let later = t0 + Duration::from_secs(5);
        assert_eq!(bar.text(later).unwrap(), "mosh: Commands: 中 x");
        let mut fb = Framebuffer::new(17, 2);
        bar.apply(&mut fb, later);
        // The wide character does not fit in the last column.
        assert_eq!(row0(&fb), "mosh: Commands:");
        assert!(!fb.cursor_visible());
        bar.clear_message();
        assert_eq!(bar.text(later), None);
    }

    #[test]
    fn network_errors_fade() {
        let t0 = Instant::now();
        let mut bar = NotificationBar::new(None, t0);
        bar.set_network_error("sendto: network unreachable", t0);
        assert_eq!(
            bar.text(t0 + Duration::from_millis(3000)).unwrap(),
            "mosh: sendto: network unreachable"
        );
        bar.set_network_error("sendto: network unreachable", t0);
        bar.clear_network_error(t0 + Duration::from_millis(100));
        assert_eq!(bar.text(t0 + Duration::from_millis(1100)), None);
    }
}
