//! Validation of predictions against the server frame (`prediction.md` §6).

use std::time::{Duration, Instant};

use crate::terminal::Framebuffer;

use super::display::PredictionDisplay;
use super::engine::PredictionEngine;
use super::model::same_text;

/// A keystroke whose echo takes this long is a glitch: predictions turn on.
const GLITCH_THRESHOLD: Duration = Duration::from_millis(250);
/// Pending this long: a long glitch, predictions get underlined.
const GLITCH_FLAG_THRESHOLD: Duration = Duration::from_millis(5000);
/// Quick confirmations lower the glitch trigger at most this often.
const GLITCH_REPAIR_MIN_INTERVAL: Duration = Duration::from_millis(150);
/// Glitch trigger level above which predictions are underlined.
const GLITCH_FLAG_LEVEL: u32 = 10;
/// Glitch trigger level set by a long glitch.
const GLITCH_LONG_LEVEL: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Pending,
    Correct,
    CorrectNoCredit,
    Wrong,
}

impl PredictionEngine {
    /// Checks every prediction against `server` (the newest server frame): confirms,
    /// expires and repairs. Run before every paint and every keystroke.
    pub fn cull(&mut self, server: &Framebuffer, now: Instant) {
        if self.display == PredictionDisplay::Never {
            return;
        }
        let (width, height) = (server.width(), server.height());
        if self.size != (width, height) {
            self.size = (width, height);
            self.reset();
        }
        self.update_triggers();
        self.overlays.retain(|o| o.row < height);
        self.watch_for_scroll(server);
        if self.cull_cells(server, now) {
            self.cull_cursors(server);
        }
        if std::mem::take(&mut self.rebase_pending) {
            self.replay_in_flight(server, now);
        }
    }

    /// Drops the guesses kept on the bottom row across an Enter once the server's
    /// row no longer shows what it showed then: the row scrolled away, and drawn on
    /// the new row they would be a state the program never shows.
    fn watch_for_scroll(&mut self, server: &Framebuffer) {
        let Some((row, text)) = &mut self.scroll_watch else {
            return;
        };
        let now = server
            .rows()
            .get(*row)
            .map(|r| r.text())
            .unwrap_or_default();
        if now.starts_with(text.as_str()) {
            // The echo of the line goes on: watch for the longer text.
            *text = now;
            return;
        }
        let row = *row;
        self.scroll_watch = None;
        for overlay in self.overlays.iter_mut().filter(|o| o.row == row) {
            for cell in overlay.cells.iter_mut().filter(|c| c.may_scroll_away) {
                cell.reset();
            }
        }
        let confirmed = self.confirmed_epoch;
        self.cursors.retain(|c| c.row != row || c.epoch > confirmed);
    }

    fn update_triggers(&mut self) {
        let interval = self.link.send_interval.as_millis();
        if interval > 30 {
            self.srtt_trigger = true;
        } else if self.srtt_trigger && interval <= 20 && !self.has_active() {
            self.srtt_trigger = false;
        }
        if interval > 80 {
            self.flagging = true;
        } else if interval <= 50 {
            self.flagging = false;
        }
        if self.glitch_trigger > GLITCH_FLAG_LEVEL {
            self.flagging = true;
        }
    }

    /// Returns false when a wrong displayed guess reset the engine.
    fn cull_cells(&mut self, server: &Framebuffer, now: Instant) -> bool {
        let experimental = self.display == PredictionDisplay::Experimental;
        for o in 0..self.overlays.len() {
            let row = self.overlays[o].row;
            for col in 0..self.overlays[o].cells.len() {
                let cell = &self.overlays[o].cells[col];
                if !cell.active {
                    continue;
                }
                let verdict = match server.cell(row, col) {
                    None => Verdict::Wrong,
                    Some(_) if self.link.late_ack < cell.expiration_frame => Verdict::Pending,
                    Some(_) if cell.unknown || cell.replacement.is_blank() => {
                        Verdict::CorrectNoCredit
                    }
                    Some(actual) if same_text(&actual, &cell.replacement) => {
                        if cell
                            .originals
                            .iter()
                            .any(|o| same_text(o, &cell.replacement))
                        {
                            Verdict::CorrectNoCredit
                        } else {
                            Verdict::Correct
                        }
                    }
                    Some(_) => Verdict::Wrong,
                };
                let epoch = cell.epoch;
                let age = cell.predicted_at.map(|t| now.saturating_duration_since(t));
                let scrolled_away = cell.may_scroll_away;
                match verdict {
                    Verdict::Wrong if experimental || scrolled_away => {
                        self.overlays[o].cells[col].reset()
                    }
                    Verdict::Wrong if self.is_tentative(epoch) => {
                        self.kill_epoch(epoch, server, now)
                    }
                    Verdict::Wrong => {
                        self.reset();
                        self.rebase_pending = true;
                        return false;
                    }
                    Verdict::Correct => {
                        self.confirmed_epoch = self.confirmed_epoch.max(epoch);
                        self.prompts.epoch_confirmed(epoch);
                        let quick = age.is_some_and(|a| a < GLITCH_THRESHOLD);
                        let spaced = self.last_quick_confirmation.is_none_or(|t| {
                            now.saturating_duration_since(t) >= GLITCH_REPAIR_MIN_INTERVAL
                        });
                        if quick && self.glitch_trigger > 0 && spaced {
                            self.glitch_trigger -= 1;
                            self.last_quick_confirmation = Some(now);
                        }
                        // Later predictions on this row adopt the real colours.
                        let rendition = server
                            .cell(row, col)
                            .map(|c| c.rendition())
                            .unwrap_or_default();
                        for later in &mut self.overlays[o].cells[col..] {
                            later.replacement.set_rendition(rendition);
                        }
                        self.overlays[o].cells[col].reset();
                    }
                    Verdict::CorrectNoCredit => self.overlays[o].cells[col].reset(),
                    Verdict::Pending => {
                        if age.is_some_and(|a| a >= GLITCH_FLAG_THRESHOLD) {
                            self.glitch_trigger = GLITCH_LONG_LEVEL;
                        } else if age.is_some_and(|a| a >= GLITCH_THRESHOLD)
                            && self.glitch_trigger < GLITCH_FLAG_LEVEL
                        {
                            self.glitch_trigger = GLITCH_FLAG_LEVEL;
                        }
                    }
                }
            }
        }
        true
    }

    fn cull_cursors(&mut self, server: &Framebuffer) {
        let late_ack = self.link.late_ack;
        let verdict = |c: &super::model::CursorPrediction| {
            if c.row >= server.height() || c.col >= server.width() {
                Verdict::Wrong
            } else if late_ack >= c.expiration_frame {
                if server.cursor() == (c.row, c.col) {
                    Verdict::Correct
                } else {
                    Verdict::Wrong
                }
            } else {
                Verdict::Pending
            }
        };
        if self
            .cursors
            .last()
            .is_some_and(|c| verdict(c) == Verdict::Wrong)
        {
            if self.display == PredictionDisplay::Experimental {
                self.cursors.clear();
            } else {
                self.reset();
                self.rebase_pending = true;
                return;
            }
        }
        self.cursors.retain(|c| verdict(c) == Verdict::Pending);
    }

    /// A wrong guess in a hidden epoch: drop that epoch and later ones, and predict
    /// from where the cursor really is (the keystrokes still in flight are then
    /// predicted again from there, see `in_flight.rs`).
    fn kill_epoch(&mut self, epoch: u64, server: &Framebuffer, now: Instant) {
        self.cursors.retain(|c| c.epoch < epoch);
        let (row, col) = server.cursor();
        self.push_cursor(row, col, now);
        for overlay in &mut self.overlays {
            for cell in &mut overlay.cells {
                if cell.epoch >= epoch && cell.epoch != super::model::NEVER {
                    cell.reset();
                }
            }
        }
        self.become_tentative();
        self.rebase_pending = true;
    }
}
