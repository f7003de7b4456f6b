// The Swift face of a mosh session: the generated `Session` with its events as an
// `AsyncSequence`, the library's `async` calls, and Swift-style names. Idioms only:
// every behaviour is the library's (mosh-ffi).

import Foundation
@_exported import MoshFFI

/// One mosh session.
///
/// Create it with ``connect(host:port:key:columns:rows:options:)`` (or
/// ``connect(host:serverOutput:columns:rows:options:)`` with what `mosh-server new`
/// printed) or ``restore(snapshot:options:)``, then iterate ``events``. Calls that only
/// post to the session return at once; the `async` ones do their work on the library's
/// own threads, so the main actor may await them. None waits on the network.
///
/// Three endings: ``detach()`` stops everything and returns a snapshot, leaving the
/// remote shell for it to resume (a tab the user closed but may reopen); ``shutdown()``
/// ends the remote shell politely; and a session nobody references any more (this
/// object released) stops quietly by itself, as ``detach()`` would, without a snapshot.
/// Iterating ``events`` does not keep the session alive.
public final class MoshSession: Sendable {
    /// The generated session object, for anything this layer does not wrap.
    public let session: Session

    private init(_ session: Session) {
        self.session = session
    }

    /// Connects to `host` (a name, or an IPv4 or IPv6 literal) with the port and key
    /// of `MOSH CONNECT` (``parseConnect(output:)``; the key's description shows only
    /// its fingerprint). Throws ``MoshError`` for port 0, an empty host or a zero
    /// window; a host that does not resolve or a server that never answers ends the
    /// session with `.closed` (`.connectTimedOut` after 15 s).
    public static func connect(
        host: String, port: UInt16, key: SessionKey,
        columns: UInt16 = 80, rows: UInt16 = 24,
        options: SessionOptions = .standard
    ) async throws -> MoshSession {
        let config = ConnectConfig(
            host: host, port: port, key: key, columns: columns, rows: rows, options: options)
        return MoshSession(try await Session.connect(config: config))
    }

    /// Connects with the printable key (22 characters); a malformed one throws
    /// `MoshError.InvalidKey`.
    public static func connect(
        host: String, port: UInt16, key: String,
        columns: UInt16 = 80, rows: UInt16 = 24,
        options: SessionOptions = .standard
    ) async throws -> MoshSession {
        try await connect(
            host: host, port: port, key: try SessionKey.parse(printable: key),
            columns: columns, rows: rows, options: options)
    }

    /// Connects to `host` with the `MOSH CONNECT` line found in `serverOutput`
    /// (what `mosh-server new` printed over SSH; see ``parseConnect(output:)``).
    public static func connect(
        host: String, serverOutput: String,
        columns: UInt16 = 80, rows: UInt16 = 24,
        options: SessionOptions = .standard
    ) async throws -> MoshSession {
        let info = try parseConnect(output: serverOutput)
        return try await connect(
            host: host, port: info.port, key: info.key,
            columns: columns, rows: rows, options: options)
    }

    /// Resumes a saved session (both parts of what ``snapshot()``,
    /// ``enterBackground()`` or ``detach()`` returned), in this process or a new one
    /// (after the app was killed). It resumes when it is the newest the session took;
    /// restoring the same one twice never repeats a nonce. A state from another save
    /// throws `MoshError.StateMismatch`.
    public static func restore(
        saved: SavedSession, options: SessionOptions = .standard
    ) async throws -> MoshSession {
        MoshSession(try await Session.restore(saved: saved, options: options))
    }

    /// This session's events for one consumer: each read of the property is a new,
    /// independently coalesced stream from the library. Its first events say what a
    /// new view needs (every row, the status, the title), so iterating late misses
    /// nothing; a slow consumer gets fewer, fuller events and never loses a title,
    /// clipboard, status or the end. Finishes after ``Event/closed(reason:)``, or when
    /// the iterating task is cancelled. Does not keep the session alive.
    public var events: SessionEvents { SessionEvents(session.events()) }

    /// Calls `handler` with this session's events on the library's event threads
    /// until the returned subscription is cancelled or released (keep it as long as
    /// the view that listens), or the session ends. For code that prefers callbacks to
    /// ``events``; the handler may hold the session.
    public func subscribe(_ handler: @escaping @Sendable (Event) -> Void) throws -> Subscription {
        try session.subscribe(listener: EventHandler(handler))
    }

    /// Text the user typed (sent as UTF-8).
    public func send(_ text: String) throws {
        try session.sendInput(bytes: Data(text.utf8))
    }

    /// Bytes the user typed, already encoded.
    public func send(bytes: Data) throws {
        try session.sendInput(bytes: bytes)
    }

    /// A key (arrows, Escape, Tab, F1…, or a character with modifiers such as
    /// Ctrl-C), encoded by the library for the remote program's current modes.
    public func send(_ key: Key, modifiers: KeyModifiers = KeyModifiers()) throws {
        try session.sendKey(key: key, modifiers: modifiers)
    }

    /// Pasted text; bracketed when the remote program asked for bracketed paste.
    public func paste(_ text: String) throws {
        try session.paste(text: text)
    }

    /// A touch or mouse event, encoded for the remote program's mouse mode; nothing is
    /// sent when `screen.modes.mouseTracking` is `.off` (then a swipe should scroll
    /// local scrollback).
    public func send(mouse event: MouseEvent) throws {
        try session.sendMouse(event: event)
    }

    /// A swipe of `steps` lines at a cell (positive: towards later content, the
    /// finger moving up). `.program`: the remote program took it as wheel events;
    /// `.scrollback`: nothing was sent, scroll the local scrollback by `steps`.
    @discardableResult
    public func scroll(steps: Int32, column: UInt16, row: UInt16) throws -> ScrollTarget {
        try session.scroll(steps: steps, column: column, row: row)
    }

    /// Data saver, for an expensive or constrained path (`NWPath.isExpensive`,
    /// `isConstrained`): from now on the server sends at most the newest `lines` of
    /// output that scrolls off (0: only the screen; skipped lines are a gap in the
    /// scrollback). Call again with the session's `scrollbackLines` when the path is
    /// free again.
    public func setScrollbackBudget(lines: UInt32) throws {
        try session.setScrollbackBudget(lines: lines)
    }

    /// The view gained or lost focus (reported when the program asked for it).
    public func focusChanged(_ focused: Bool) throws {
        try session.sendFocus(focused: focused)
    }

    /// The view's new size in cells.
    public func resize(columns: UInt16, rows: UInt16) throws {
        try session.resize(columns: columns, rows: rows)
    }

    /// The network path changed (`NWPathMonitor`): a fresh socket, a datagram at once
    /// (in the background: noted, nothing sent).
    public func networkChanged() throws {
        try session.networkChanged()
    }

    /// The app leaves the foreground: every timer and send stops, the socket is not
    /// read. Returns the session saved: its `secret` (54 bytes) for the Keychain, its
    /// `state` (sealed by the library) for a file.
    public func enterBackground() async throws -> SavedSession {
        try await session.enterBackground()
    }

    /// The app is back: resynchronizes at once, however long the pause was.
    public func enterForeground() throws {
        try session.enterForeground()
    }

    /// The session saved now, for ``restore(saved:options:)`` in a new process
    /// (`SavedSession` says where each part goes). Which saves resume: with our
    /// `mosh-server`, any save of a live session (taken in use, restored before, moved
    /// to another device: the server follows the newest process, the other ends with
    /// `.closed(reason: .superseded)`). With stock `mosh-server`, only the newest one the
    /// session took, as long as no other process of the session talked to the server
    /// after it (the one ``enterBackground()`` or ``detach()`` returns is such); an older
    /// one ends as `CloseReason.outOfSync` at the server's first reply, or hears nothing
    /// from the server; then start a new session over SSH and delete the snapshot.
    public func snapshot() async throws -> SavedSession {
        try await session.snapshot()
    }

    /// Stops the session for good without ending the remote shell and returns it
    /// saved (it resumes with ``restore(saved:options:)``). The socket and
    /// timers go at once; ``events`` end with `.closed(reason: .detached)`.
    public func detach() async throws -> SavedSession {
        try await session.detach()
    }

    /// Ends the session politely (the server hangs up the remote program) and returns
    /// at once; `.closed` follows on ``events``. Calling it again, or after the end,
    /// does nothing.
    public func shutdown() {
        session.shutdown()
    }

    /// Waits until the session has ended, and says why.
    public func closed() async -> CloseReason {
        await session.closed()
    }

    /// What to show now: rows of styled runs (predictions marked), cursor, title.
    public var screen: Screen { session.screen() }

    /// The connection status.
    public var status: Status { session.status() }

    /// What a view redraws after `.screenChanged(rows)`: cursor, title, modes and only
    /// those rows (cheaper than ``screen`` on a busy screen).
    public func screenUpdate(rows: [UInt16]) -> ScreenUpdate {
        session.screenUpdate(rows: rows)
    }

    /// The server's screen as text rows: what the remote program wrote, without local
    /// echo or the notification bar (for search and copy).
    public var confirmedText: [String] { session.confirmedText() }

    /// Lines of scrollback held: rows that scrolled off the top of the screen, as
    /// captured on this client (a stock server's lines that scrolled away between two
    /// screens the client never saw cannot be recovered). `.scrollbackAdded` on
    /// ``events`` says when it grows.
    public var scrollbackCount: UInt64 { session.scrollbackLen() }

    /// The numbers of the scrollback lines held, `first..<end`. A line keeps its
    /// number while the oldest lines go, so a list view can use it as the item id.
    public var scrollbackRange: ScrollbackRange { session.scrollbackRange() }

    /// Up to `count` scrollback lines from line number `from` on, oldest first, and
    /// the number of the first one (`first`: the oldest held when `from` had already
    /// gone). Rows are styled like ``screen``'s, without trailing blanks.
    public func scrollback(from: UInt64, count: UInt32) -> ScrollbackLines {
        session.scrollback(from: from, count: count)
    }

    /// The newest `count` scrollback lines (those just above the screen), oldest first.
    public func recentScrollback(_ count: UInt32) -> [ScreenRow] {
        let end = scrollbackRange.end
        return scrollback(from: end - min(end, UInt64(count)), count: count).rows
    }
}

/// One consumer's events of a session, as an `AsyncSequence` over the library's
/// coalesced ``EventStream``: awaiting holds no thread, and cancelling the iterating
/// task ends the stream.
public struct SessionEvents: AsyncSequence, Sendable {
    public typealias Element = Event

    private let stream: EventStream

    init(_ stream: EventStream) {
        self.stream = stream
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(stream: stream)
    }

    /// Hands out each batch's events in order.
    public struct Iterator: AsyncIteratorProtocol {
        let stream: EventStream
        var batch: [Event] = []
        var index = 0

        public mutating func next() async -> Event? {
            if index == batch.count {
                let stream = self.stream
                let next = await withTaskCancellationHandler {
                    await stream.next()
                } onCancel: {
                    stream.cancel()
                }
                guard let next, !next.isEmpty else { return nil }
                batch = next
                index = 0
            }
            index += 1
            return batch[index - 1]
        }
    }
}

extension SessionOptions {
    /// Adaptive prediction, inserting, the structured screen.
    public static let standard = SessionOptions(prediction: .adaptive, output: .screen)
}

extension ScreenRow {
    /// The row's text (wide characters once, blank cells as spaces).
    public var text: String { runs.map(\.text).joined() }
}

extension Screen {
    /// The screen's text, rows joined by newlines.
    public var text: String { rows.map(\.text).joined(separator: "\n") }
}

/// A listener from a closure, for ``MoshSession/subscribe(_:)``.
final class EventHandler: SessionListener, Sendable {
    private let handler: @Sendable (Event) -> Void

    init(_ handler: @escaping @Sendable (Event) -> Void) {
        self.handler = handler
    }

    func onEvent(event: Event) throws {
        handler(event)
    }
}
