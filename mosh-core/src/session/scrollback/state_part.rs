//! The scrollback extension's part of the server→client state
//! (`docs/scrollback-extension.md`): whether it is in use, how many lines have
//! scrolled off, and (for the diff) where they are.

use std::sync::Arc;

use crate::proto::DiffError;
use crate::proto::scrollback::{SCROLLBACK_VERSION, ScrollbackLines};
use crate::session::ScreenRow;

use super::persist;
use super::server_log::{MAX_LINES_PER_DIFF, ScrollLog};

/// The part of a `TerminalState` the extension adds. Two parts are equal when they
/// agree on use and line count.
#[derive(Debug, Clone, Default)]
pub struct ScrollbackPart {
    active: bool,
    end: u64,
    /// The server's lines (server states only).
    log: Option<ScrollLog>,
    /// Client states: the lines the diff that made this state carried.
    delivered: Arc<Vec<ScreenRow>>,
    /// The number of `delivered[0]`.
    delivered_first: u64,
}

impl PartialEq for ScrollbackPart {
    fn eq(&self, other: &Self) -> bool {
        self.active == other.active && self.end == other.end
    }
}

impl ScrollbackPart {
    /// A server state's part: in use, `end` lines scrolled off, found in `log`.
    pub fn server(log: ScrollLog, end: u64) -> Self {
        ScrollbackPart {
            active: true,
            end,
            log: Some(log),
            ..ScrollbackPart::default()
        }
    }

    /// A client state's part as saved in a snapshot.
    pub fn restored(active: bool, end: u64) -> Self {
        ScrollbackPart {
            active,
            end,
            ..ScrollbackPart::default()
        }
    }

    /// Whether the server sends its lines (it heard the client's announcement).
    pub fn active(&self) -> bool {
        self.active
    }

    /// Lines that scrolled off before this state.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// The lines the diff that made this state carried, and the number of the first.
    pub fn delivered(&self) -> (u64, &[ScreenRow]) {
        (self.delivered_first, &self.delivered)
    }

    /// What a diff from `base` carries: nothing unless the extension is in use and
    /// there is news (its start, or lines).
    pub fn diff_from(&self, base: &Self) -> Option<ScrollbackLines> {
        if !self.active || (base.active && base.end >= self.end) {
            return None;
        }
        let (first, lines) = match &self.log {
            Some(log) => log.messages(base.end, self.end),
            None => (self.end, Vec::new()),
        };
        Some(ScrollbackLines {
            version: Some(SCROLLBACK_VERSION),
            first: Some(first),
            lines,
        })
    }

    /// Applies what a diff carried: the lines become this state's delivery.
    pub fn apply(&mut self, message: &ScrollbackLines) -> Result<(), DiffError> {
        if message.lines.len() as u64 > MAX_LINES_PER_DIFF {
            return Err(DiffError::BadScrollback);
        }
        let lines = message
            .lines
            .iter()
            .map(persist::restore)
            .collect::<Option<Vec<_>>>()
            .ok_or(DiffError::BadScrollback)?;
        let first = message.first.unwrap_or(self.end);
        self.active = true;
        self.end = self.end.max(first.saturating_add(lines.len() as u64));
        self.delivered_first = first;
        self.delivered = Arc::new(lines);
        Ok(())
    }

    /// A state made by a diff delivers only what that diff carried.
    pub fn clear_delivery(&mut self) {
        if !self.delivered.is_empty() {
            self.delivered = Arc::default();
        }
        self.delivered_first = self.end;
    }
}
