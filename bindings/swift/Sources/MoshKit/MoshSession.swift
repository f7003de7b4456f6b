// The Swift face of a mosh session: the generated `Session` with its events as an
// `AsyncStream`, `async` for the calls that wait on the session's thread, and
// Swift-style names. Idioms only: every behaviour is the library's (mosh-ffi).

import Foundation
@_exported import MoshFFI

/// One mosh session.
///
/// Create it with ``connect(host:port:key:columns:rows:options:)`` (or
/// ``connect(host:serverOutput:columns:rows:options:)`` with what `mosh-server new`
/// printed) or ``restore(snapshot:options:)``, then read ``events``. Every method
/// returns at once; none waits on the network.
///
/// Lifetime: the session lives while this object or its ``events`` stream does. A
/// task iterating ``events`` keeps it alive; cancelling that task (or dropping the
/// stream) releases the stream's hold, and once nothing holds the session the
/// library stops it quietly (no datagram after that; the server keeps the remote
/// shell, so a stored snapshot can still resume it). ``close()`` ends the session
/// politely (the server exits) and finishes ``events``.
public final class MoshSession: Sendable {
    /// The generated session object, for anything this layer does not wrap.
    public let session: Session

    /// The session's events, in order, from the library's event thread (named
    /// `mosh-events`; hop to the main actor to draw). Single consumer. Ends after
    /// ``Event/closed(reason:)``. The library coalesces events; a consumer more than
    /// ``eventBufferSize`` events behind loses the oldest ones (the newest, and
    /// `closed`, always arrive; redraw from ``screen``).
    public let events: AsyncStream<Event>

    /// How many undelivered events ``events`` keeps.
    public static let eventBufferSize = 256

    private init(_ open: (SessionListener) throws -> Session) throws {
        let (events, continuation) = AsyncStream<Event>.makeStream(
            bufferingPolicy: .bufferingNewest(Self.eventBufferSize))
        let relay = EventRelay(continuation)
        let session = try open(relay)
        // The stream holds the session until it terminates (the library holds the
        // relay, the relay the continuation, the continuation this closure).
        continuation.onTermination = { _ in withExtendedLifetime(session) {} }
        self.session = session
        self.events = events
    }

    /// Connects to `host` (a name, or an IPv4 or IPv6 literal) with the port and key
    /// of `MOSH CONNECT`. Throws ``MoshError`` at once for a malformed key, port 0,
    /// an empty host or a zero window; a host that does not resolve or a server that
    /// never answers ends the session with `.closed`.
    public static func connect(
        host: String, port: UInt16, key: String,
        columns: UInt16 = 80, rows: UInt16 = 24,
        options: SessionOptions = .standard
    ) throws -> MoshSession {
        let config = ConnectConfig(
            host: host, port: port, key: key, columns: columns, rows: rows, options: options)
        return try MoshSession { try Session.connect(config: config, listener: $0) }
    }

    /// Connects to `host` with the `MOSH CONNECT` line found in `serverOutput`
    /// (what `mosh-server new` printed over SSH; see ``parseConnect(output:)``).
    public static func connect(
        host: String, serverOutput: String,
        columns: UInt16 = 80, rows: UInt16 = 24,
        options: SessionOptions = .standard
    ) throws -> MoshSession {
        let info = try parseConnect(output: serverOutput)
        return try connect(
            host: host, port: info.port, key: info.key,
            columns: columns, rows: rows, options: options)
    }

    /// Resumes a session from ``snapshot()`` or ``enterBackground()`` bytes, in this
    /// process or a new one (after the app was killed). A snapshot resumes when it is
    /// the newest the session took; restoring the same one twice never repeats a
    /// nonce.
    public static func restore(
        snapshot: Data, options: SessionOptions = .standard
    ) throws -> MoshSession {
        try MoshSession { try Session.restore(snapshot: snapshot, options: options, listener: $0) }
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

    /// The view's new size in cells.
    public func resize(columns: UInt16, rows: UInt16) throws {
        try session.resize(columns: columns, rows: rows)
    }

    /// The network path changed (`NWPathMonitor`): a fresh socket, a datagram at once.
    public func networkChanged() throws {
        try session.networkChanged()
    }

    /// The app leaves the foreground: every timer and send stops. Returns the
    /// snapshot to store. **It holds the session key**: keep it in the Keychain.
    public func enterBackground() async throws -> Data {
        let session = self.session
        return try await offCallerThread { try session.enterBackground() }
    }

    /// The app is back: resynchronizes at once, however long the pause was.
    public func enterForeground() throws {
        try session.enterForeground()
    }

    /// Bytes that let a new process resume this session with
    /// ``restore(snapshot:options:)``. **They hold the session key**: store them as a
    /// secret (the Keychain). Which snapshots resume: the newest one the session took,
    /// as long as no other process of the session talked to the server after it (the
    /// one ``enterBackground()`` returns is such). An older one ends as
    /// `CloseReason.outOfSync` at the server's first reply, or hears nothing from the
    /// server; either way, start a new session over SSH and delete the snapshot.
    public func snapshot() async throws -> Data {
        let session = self.session
        return try await offCallerThread { try session.snapshot() }
    }

    /// What to show now: rows of styled runs (predictions marked), cursor, title.
    public var screen: Screen { session.screen() }

    /// The connection status.
    public var status: Status { session.status() }

    /// Lines of scrollback held: rows that scrolled off the top of the screen, as
    /// captured on this client (a stock server's lines that scrolled away between two
    /// screens the client never saw cannot be recovered). `.scrollbackAdded` on
    /// ``events`` says when it grows.
    public var scrollbackCount: UInt64 { session.scrollbackLen() }

    /// Up to `count` scrollback lines from index `from`, oldest first: 0 is the oldest
    /// line held, ``scrollbackCount`` − 1 the one just above the screen. Rows are
    /// styled like ``screen``'s, without trailing blanks.
    public func scrollback(from: UInt64, count: UInt32) -> [ScreenRow] {
        session.scrollback(from: from, count: count)
    }

    /// The newest `count` scrollback lines (those just above the screen), oldest first.
    public func recentScrollback(_ count: UInt32) -> [ScreenRow] {
        let held = scrollbackCount
        return scrollback(from: held - min(held, UInt64(count)), count: count)
    }

    /// Starts the polite shutdown; `.closed` follows on ``events``. Later calls throw
    /// ``MoshError/SessionClosed``.
    public func close() throws {
        try session.shutdown()
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

/// The listener the library calls: yields into the stream.
final class EventRelay: SessionListener, Sendable {
    private let continuation: AsyncStream<Event>.Continuation

    init(_ continuation: AsyncStream<Event>.Continuation) {
        self.continuation = continuation
    }

    func onEvent(event: Event) throws {
        continuation.yield(event)
        if case .closed = event { continuation.finish() }
    }
}

/// Runs a call that waits on the session's thread without blocking the caller's
/// (the main thread, or a cooperative-pool thread).
private func offCallerThread<T: Sendable>(
    _ call: @escaping @Sendable () throws -> T
) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
            continuation.resume(with: Result { try call() })
        }
    }
}
