//! What a client shows (`prediction.md` §1): the newest server frame with the
//! prediction overlays and the notification bar drawn over it, for the desktop
//! client's painter and for apps that draw a [`ScreenModel`].

use std::time::{Duration, Instant};

use crate::prediction::{PredictedCell, PredictionDisplay, PredictionEngine};
use crate::session::ScreenModel;
use crate::session::client::{CONNECT_TIMEOUT, ClientSession};
use crate::terminal::Framebuffer;

use super::escape_key::{EscapeAction, EscapeKeyConfig, EscapeKeyFilter};
use super::notification_bar::NotificationBar;

/// The connecting message appears this long after start-up.
const CONNECTING_GRACE: Duration = Duration::from_millis(250);

/// How predictions and notifications are configured.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayConfig {
    /// `MOSH_PREDICTION_DISPLAY`.
    pub prediction: PredictionDisplay,
    /// `MOSH_PREDICTION_OVERWRITE=yes`.
    pub overwrite: bool,
    /// Name of the escape key for the quit hint (`Ctrl-^`); `None` when disabled.
    pub escape_key_name: Option<String>,
    /// Whether the notification bar is drawn over row 0 (stock's behaviour). Apps
    /// that draw the connection status themselves turn it off and read
    /// [`ConnectionStatus`](crate::session::ConnectionStatus), which carries every
    /// fact the bar shows.
    pub notification_bar: bool,
}

impl Default for DisplayConfig {
    fn default() -> Self {
        DisplayConfig {
            prediction: PredictionDisplay::default(),
            overwrite: false,
            escape_key_name: None,
            notification_bar: true,
        }
    }
}

/// What one read of typed bytes asks of the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TypedKeys {
    /// Bytes for [`ClientSession::send_input`].
    pub send: Vec<u8>,
    /// Escape then `.`: start the shutdown.
    pub quit: bool,
    /// Escape then Ctrl-Z: suspend the client.
    pub suspend: bool,
    /// Ctrl-L was sent: repaint the local terminal from scratch.
    pub repaint: bool,
}

/// The overlays of one client session.
#[derive(Debug)]
pub struct ClientDisplay {
    engine: PredictionEngine,
    bar: NotificationBar,
    /// Whether the bar is drawn ([`DisplayConfig::notification_bar`]).
    bar_drawn: bool,
    displayed: Framebuffer,
    predicted: Vec<PredictedCell>,
    started: Instant,
    connecting_message: Option<String>,
    /// Datagrams that failed authentication, as last seen.
    unauthentic_seen: u64,
}

impl ClientDisplay {
    /// Overlays for `session`, started at `now`.
    pub fn new(config: DisplayConfig, session: &ClientSession, now: Instant) -> Self {
        let mut engine = PredictionEngine::new(config.prediction, config.overwrite);
        if session.resumed() {
            engine.continuing();
        }
        ClientDisplay {
            engine,
            bar: NotificationBar::new(config.escape_key_name, now),
            bar_drawn: config.notification_bar,
            displayed: session.screen().clone(),
            predicted: Vec::new(),
            started: now,
            connecting_message: None,
            unauthentic_seen: 0,
        }
    }

    /// The prediction engine.
    pub fn engine(&self) -> &PredictionEngine {
        &self.engine
    }

    /// The notification bar, to set messages.
    pub fn notifications(&mut self) -> &mut NotificationBar {
        &mut self.bar
    }

    fn update_server_feedback(&mut self, session: &ClientSession) {
        self.engine.set_server_feedback(
            session.server_state().echo_ack(),
            session.transport().send_interval(),
        );
    }

    /// Bytes the user typed, before they are handed to
    /// [`ClientSession::send_input`].
    pub fn user_input(&mut self, session: &ClientSession, bytes: &[u8], now: Instant) {
        self.update_server_feedback(session);
        self.engine
            .set_frame_sent(session.transport().last_sent_state_num());
        self.engine
            .new_user_input(bytes, session.screen(), &self.displayed, now);
    }

    /// One read of typed bytes, raw: fed to the prediction engine, then through the
    /// escape key (`prediction.md` §11.4), which shows and clears its help line and
    /// the quit message here.
    pub fn typed(
        &mut self,
        session: &ClientSession,
        escape: &mut EscapeKeyFilter,
        bytes: &[u8],
        now: Instant,
    ) -> TypedKeys {
        self.user_input(session, bytes, now);
        let help = escape_help(escape.config());
        let mut out = TypedKeys::default();
        for &byte in bytes {
            let was_armed = escape.is_armed();
            match escape.feed(byte) {
                EscapeAction::Send(keys) => {
                    out.repaint |= keys.contains(&0x0c);
                    out.send.extend_from_slice(&keys);
                }
                EscapeAction::Quit => {
                    out.quit = true;
                    self.bar
                        .set_message("Exiting on user request...", true, true, now);
                }
                EscapeAction::Suspend => out.suspend = true,
                EscapeAction::Armed => self.bar.set_message(&help, true, false, now),
            }
            if was_armed && self.bar.message() == help {
                self.bar.clear_message();
            }
        }
        out
    }

    /// Drops every prediction: the window changed size, or input too large to
    /// predict went to the server.
    pub fn reset_predictions(&mut self) {
        self.engine.reset();
    }

    /// Builds the frame to show at `now`: server frame, predictions, notification bar.
    pub fn frame(&mut self, session: &ClientSession, now: Instant) -> &Framebuffer {
        let transport = session.transport();
        if let Some(at) = transport.last_new_remote_state() {
            self.bar.server_heard(at);
        }
        if let Some(at) = transport.last_acknowledged_send() {
            self.bar.server_acked(at);
        }
        self.update_connecting_message(session, now);
        self.note_unauthentic_datagrams(session, now);
        self.update_server_feedback(session);
        let server = session.screen();
        self.engine.cull(server, now);
        let mut frame = server.clone();
        self.predicted = self.engine.apply(&mut frame);
        if self.bar_drawn && self.bar.apply(&mut frame, now) {
            self.predicted.retain(|p| p.row != 0);
        }
        self.displayed = frame;
        &self.displayed
    }

    /// A datagram that failed authentication was dropped: stock's non-fatal crypto
    /// error, shown briefly unless a lasting message (quit, help) is up.
    fn note_unauthentic_datagrams(&mut self, session: &ClientSession, now: Instant) {
        let unauthentic = session.transport().stats().datagrams.unauthentic;
        if unauthentic > self.unauthentic_seen && !self.bar.has_lasting_message() {
            self.bar.set_message(
                "Crypto exception: Packet failed integrity check.",
                false,
                true,
                now,
            );
        }
        self.unauthentic_seen = unauthentic;
    }

    fn update_connecting_message(&mut self, session: &ClientSession, now: Instant) {
        // Authentic datagrams count as contact even before a state applies (a
        // restored client whose base the server no longer holds hears it at once
        // and gets its verdict or the whole state within a round trip): the bar
        // never says nothing was received while the server is answering.
        let connected = session.transport().last_new_remote_state().is_some()
            || session.transport().last_heard().is_some();
        if connected {
            if let Some(message) = self.connecting_message.take()
                && self.bar.message() == message
            {
                self.bar.clear_message();
            }
            return;
        }
        let waited = now.saturating_duration_since(self.started);
        if waited >= CONNECT_TIMEOUT {
            let message = "Timed out waiting for server...";
            self.bar.set_message(message, true, true, now);
            self.connecting_message = Some(message.to_owned());
        } else if waited > CONNECTING_GRACE {
            let port = session
                .transport()
                .remote_address()
                .map_or(0, |address| address.port());
            let message = format!("Nothing received from server on UDP port {port}.");
            self.bar.set_message(&message, false, true, now);
            self.connecting_message = Some(message);
        }
    }

    /// The session is ending: the last frame shows neither message nor count-up.
    pub fn shutting_down(&mut self, now: Instant) {
        self.bar.clear_message();
        self.bar.server_heard(now);
        self.bar.server_acked(now);
    }

    /// The frame last built by [`ClientDisplay::frame`].
    pub fn displayed(&self) -> &Framebuffer {
        &self.displayed
    }

    /// The cells of the displayed frame that are predictions.
    pub fn predicted_cells(&self) -> &[PredictedCell] {
        &self.predicted
    }

    /// The displayed frame as styled runs, predicted cells marked.
    pub fn screen_model(&self) -> ScreenModel {
        ScreenModel::from_frame(&self.displayed, &self.predicted)
    }

    /// When the display must be rebuilt even if nothing arrives or is typed.
    pub fn poll_timeout(&self, session: &ClientSession, now: Instant) -> Option<Instant> {
        let bar = self.bar_drawn.then(|| self.bar.poll_timeout(now)).flatten();
        let mut wake = [self.engine.poll_timeout(now), bar]
            .into_iter()
            .flatten()
            .min();
        if session.transport().last_new_remote_state().is_none() {
            // Connecting: the message is re-set at least every 250 ms.
            let poll = now + CONNECTING_GRACE;
            wake = Some(wake.map_or(poll, |w| w.min(poll)));
        }
        wake
    }
}

/// The help line shown while the escape key waits for its second key.
fn escape_help(escape: &EscapeKeyConfig) -> String {
    let name = escape.key_name().unwrap_or_default();
    format!(
        "Commands: Ctrl-Z suspends, \".\" quits, \"{}\" gives literal {name}",
        escape.pass as char
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SessionKey;
    use crate::session::ClientConfig;

    fn row0(fb: &Framebuffer) -> String {
        fb.rows()[0].text()
    }

    fn start(t0: Instant) -> (ClientSession, ClientDisplay) {
        start_with(
            t0,
            DisplayConfig {
                escape_key_name: Some("Ctrl-^".into()),
                ..DisplayConfig::default()
            },
        )
    }

    fn start_with(t0: Instant, display: DisplayConfig) -> (ClientSession, ClientDisplay) {
        let config = ClientConfig {
            server: "127.0.0.1:60799".parse().unwrap(),
            key: SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap(),
            columns: 80,
            rows: 5,
            sequence: crate::crypto::SequencePlan::FROM_ZERO,
            scrollback_lines: crate::session::scrollback::MAX_SCROLLBACK_LINES,
        };
        let session = ClientSession::connect(config, t0);
        let display = ClientDisplay::new(display, &session, t0);
        (session, display)
    }

    #[test]
    fn escape_key_help_literal_and_quit() {
        let t0 = Instant::now();
        let (session, mut display) = start(t0);
        let mut escape = EscapeKeyFilter::new(EscapeKeyConfig::default());
        let typed = display.typed(&session, &mut escape, b"ab\x1e", t0);
        assert_eq!(typed.send, b"ab");
        assert_eq!(
            row0(display.frame(&session, t0)),
            "mosh: Commands: Ctrl-Z suspends, \".\" quits, \"^\" gives literal Ctrl-^"
        );
        // The pass key sends the escape key itself and the help line goes.
        let typed = display.typed(&session, &mut escape, b"^", t0);
        assert_eq!(typed.send, [0x1e]);
        assert_eq!(row0(display.frame(&session, t0)), "");
        // Any other key: the escape key and that key.
        let typed = display.typed(&session, &mut escape, b"\x1ex\x0c", t0);
        assert_eq!(typed.send, b"\x1ex\x0c");
        assert!(typed.repaint && !typed.quit);
        let typed = display.typed(&session, &mut escape, b"\x1e.", t0);
        assert!(typed.quit && typed.send.is_empty());
        assert_eq!(
            row0(display.frame(&session, t0)),
            "mosh: Exiting on user request... [To quit: Ctrl-^ .]"
        );
        let typed = display.typed(&session, &mut escape, b"\x1e\x1a", t0);
        assert!(typed.suspend);
    }

    #[test]
    fn a_forged_datagram_shows_a_brief_crypto_message() {
        use crate::protocol::ssp::Endpoint;
        use crate::protocol::ssp::SocketId;
        let t0 = Instant::now();
        let (mut session, mut display) = start(t0);
        let forged = [0x5au8; 60];
        let from = "127.0.0.1:60799".parse().unwrap();
        assert!(
            session
                .handle_datagram(t0, &forged, from, SocketId(0))
                .is_err()
        );
        assert_eq!(
            row0(display.frame(&session, t0)),
            "mosh: Crypto exception: Packet failed integrity check. [To quit: Ctrl-^ .]"
        );
        // Not permanent: gone after a second without more of them (the connecting
        // message of this never-connected session takes its place).
        let later = row0(display.frame(&session, t0 + Duration::from_secs(2)));
        assert!(!later.contains("Crypto"), "{later}");
        // A lasting message (the escape-key help) is not replaced.
        let mut escape = EscapeKeyFilter::new(EscapeKeyConfig::default());
        display.typed(&session, &mut escape, b"\x1e", t0);
        assert!(
            session
                .handle_datagram(t0, &forged, from, SocketId(0))
                .is_err()
        );
        assert!(row0(display.frame(&session, t0)).starts_with("mosh: Commands:"));
    }

    #[test]
    fn connecting_then_timed_out_messages() {
        let t0 = Instant::now();
        let (session, mut display) = start(t0);
        assert_eq!(
            row0(display.frame(&session, t0 + Duration::from_millis(200))),
            ""
        );
        assert_eq!(
            display.poll_timeout(&session, t0),
            Some(t0 + CONNECTING_GRACE)
        );
        let now = t0 + Duration::from_millis(300);
        assert_eq!(
            row0(display.frame(&session, now)),
            "mosh: Nothing received from server on UDP port 60799. [To quit: Ctrl-^ .]"
        );
        let now = t0 + Duration::from_millis(15_200);
        assert_eq!(
            row0(display.frame(&session, now)),
            // Truncated at 80 columns.
            "mosh: Timed out waiting for server... (15 s without contact.) [To quit: Ctrl-^ ."
        );
        assert!(
            display.screen_model().rows[0]
                .text()
                .starts_with("mosh: Timed out")
        );
    }

    #[test]
    fn a_server_heard_is_not_nothing_received_even_before_a_state_applies() {
        use crate::crypto::{Role, SessionCipher};
        use crate::protocol::codec::InstructionSender;
        use crate::protocol::proto::{Instruction, PROTOCOL_VERSION};
        use crate::protocol::ssp::{Endpoint, SocketId};
        let t0 = Instant::now();
        let (mut session, mut display) = start(t0);
        // An authentic server datagram whose base this client does not hold.
        let key = SessionKey::parse("AAECAwQFBgcICQoLDA0ODw").unwrap();
        let cipher = std::sync::Arc::new(SessionCipher::new(&key));
        let mut server = InstructionSender::new(cipher, Role::Server);
        let instruction = Instruction {
            protocol_version: PROTOCOL_VERSION,
            old_num: 7,
            new_num: 8,
            ..Default::default()
        };
        let datagram = server
            .encode(&instruction, 1200, None, None)
            .unwrap()
            .remove(0);
        let from = "127.0.0.1:60799".parse().unwrap();
        session
            .handle_datagram(t0, &datagram, from, SocketId(0))
            .unwrap();
        assert_eq!(session.transport().stats().states.missing_base, 1);
        let row = row0(display.frame(&session, t0 + Duration::from_millis(300)));
        assert!(!row.contains("Nothing received"), "{row}");
    }

    #[test]
    fn without_the_bar_row_0_stays_the_servers_and_nothing_wakes_for_it() {
        let t0 = Instant::now();
        let (session, mut display) = start_with(
            t0,
            DisplayConfig {
                notification_bar: false,
                ..DisplayConfig::default()
            },
        );
        // Connecting, then timed out: the drawn bar would say so on row 0.
        for ms in [300, 15_200, 70_000] {
            let now = t0 + Duration::from_millis(ms);
            assert_eq!(row0(display.frame(&session, now)), "", "at {ms} ms");
        }
        // Only the connecting poll remains (for the status), not the bar's count-up.
        let now = t0 + Duration::from_secs(70);
        assert_eq!(
            display.poll_timeout(&session, now),
            Some(now + CONNECTING_GRACE)
        );
    }
}
