// What the app's screens bind to: one session from the connection form (SSH, then
// mosh) or from the snapshot stored when the app went to the background, its lines
// and status for drawing, and the app's lifecycle and network wired to the library.
// On the main actor; no call blocks it: the library's calls are awaited, and the
// snapshot store (the Keychain) is read and written off the main actor.

import Foundation
import MoshKit

/// The app's lifecycle as the controller needs it (SwiftUI's `ScenePhase`).
public enum AppPhase: Sendable {
    case active, inactive, background
}

/// A network path as `NWPathMonitor` reports it, reduced to what tells one path from
/// another.
public struct NetworkPath: Equatable, Sendable {
    public var satisfied: Bool
    /// Interface names in order of preference (`en0`, `pdp_ip0`…).
    public var interfaces: [String]
    /// Gateway addresses (they change when the address on an interface changes).
    public var gateways: [String]

    public init(satisfied: Bool, interfaces: [String], gateways: [String] = []) {
        self.satisfied = satisfied
        self.interfaces = interfaces
        self.gateways = gateways
    }
}

@MainActor
public final class SessionController {
    /// Where the controller is.
    public enum Phase: Equatable, Sendable {
        /// No session: show the connection form.
        case idle
        /// Running the server over SSH.
        case starting
        /// A session runs (connected, connecting or waiting: see `status`).
        case running
        /// The session ended or could not start.
        case ended(String)
    }

    public private(set) var phase: Phase = .idle
    public private(set) var lines: [TerminalLine] = []
    public private(set) var cursor = TerminalCursor(row: 0, column: 0, visible: false)
    public private(set) var title = ""
    /// The status line.
    public private(set) var status = ""
    /// Rings so far (the view flashes on a change).
    public private(set) var bells = 0
    /// The newest clipboard write (OSC 52, decoded by the library) from the remote
    /// program, as text for the app to offer; nil once taken.
    public private(set) var clipboard: String?
    public private(set) var keyBar = KeyBar()
    /// Called on the main actor after anything above changed.
    public var onChange: (@MainActor () -> Void)?
    public var renderer: TerminalRenderer
    /// How sessions are shown; the app sets `nonceStoreDir` to a directory in
    /// Application Support so that restores never repeat a nonce, whatever the clock.
    public var options: SessionOptions = .standard

    /// The session, while one runs.
    public private(set) var session: MoshSession?
    private let store: SnapshotStore
    private var events: Task<Void, Never>? {
        didSet { tasks.set(events, lifecycle) }
    }
    private var lifecycle: Task<Void, Never>? {
        didSet { tasks.set(events, lifecycle) }
    }
    /// The tasks again, for deinit: a released controller releases its session.
    private nonisolated let tasks = Tasks()
    private var size: (columns: UInt16, rows: UInt16) = (80, 24)
    private var path: NetworkPath?

    public init(store: SnapshotStore, renderer: TerminalRenderer = TerminalRenderer()) {
        self.store = store
        self.renderer = renderer
    }

    deinit {
        tasks.cancel()
    }

    // MARK: starting

    /// Runs `mosh-server` over SSH with the library's command line, then connects
    /// with the `MOSH CONNECT` line it printed.
    public func connect(_ settings: ConnectionSettings, via bootstrap: ServerBootstrap) async {
        guard session == nil, phase != .starting else { return }
        phase = .starting
        status = "Starting mosh-server on \(settings.host)…"
        changed()
        do {
            let output = try await bootstrap.startServer(settings, command: settings.serverCommand)
            attach(try await MoshSession.connect(
                host: settings.host, serverOutput: output,
                columns: size.columns, rows: size.rows, options: options))
        } catch {
            end("Could not connect: \(error)")
        }
    }

    /// At launch: resumes the session the app had when it was killed in the
    /// background, if a snapshot is stored. The snapshot is deleted once used: after
    /// the restored session has talked to the server it can no longer resume.
    @discardableResult
    public func restoreSaved() async -> Bool {
        guard session == nil else { return false }
        let store = self.store
        let saved = await Task.detached {
            defer { try? store.clear() }
            return try? store.load()
        }.value
        guard let saved, session == nil else { return false }
        do {
            attach(try await MoshSession.restore(saved: saved, options: options))
            try? session?.resize(columns: size.columns, rows: size.rows)
            return true
        } catch {
            end("The saved session could not be resumed: \(error)")
            return false
        }
    }

    private func attach(_ session: MoshSession) {
        self.session = session
        phase = .running
        status = statusLine(session.status)
        let events = session.events
        self.events = Task { [weak self] in
            for await event in events {
                self?.handle(event)
            }
        }
        redraw()
    }

    func handle(_ event: Event) {
        switch event {
        case .screenChanged:
            redraw()
        case .titleChanged(let title):
            self.title = title
        case .bell:
            bells += 1
        case .clipboard(_, let bytes):
            // The library decoded it; only text goes to the pasteboard.
            clipboard = String(data: bytes, encoding: .utf8).flatMap { $0.isEmpty ? nil : $0 }
        case .statusChanged(let status):
            self.status = statusLine(status)
        case .closed(let reason):
            redraw()
            end(closeText(reason))
            let store = self.store
            Task.detached { try? store.clear() }
        case .vtOutput:
            break  // this app draws screen(), not a VT stream
        case .scrollbackAdded:
            break  // this app shows the screen only; session.scrollback(from:count:) has the rest
        }
        changed()
    }

    private func redraw() {
        guard let session else { return }
        let screen = session.screen
        lines = renderer.lines(screen)
        cursor = renderer.cursor(screen)
        title = screen.title
    }

    private func end(_ message: String) {
        session = nil
        phase = .ended(message)
        status = message
        changed()
    }

    private func changed() {
        onChange?()
    }

    // MARK: input

    /// Text from the keyboard (with Ctrl when the key bar's Ctrl is latched).
    public func type(_ text: String) {
        guard let session else { return }
        try? keyBar.type(text, into: session)
        changed()
    }

    /// A key bar button.
    public func tap(_ key: KeyBarKey) {
        guard let session else { return }
        try? keyBar.tap(key, into: session)
        changed()
    }

    /// A hardware keyboard key.
    public func press(_ press: HardwareKeyPress) {
        guard let session else { return }
        try? press.send(into: session)
    }

    public func paste(_ text: String) {
        try? session?.paste(text)
    }

    /// The remote program's clipboard write, once.
    public func takeClipboard() -> String? {
        defer { clipboard = nil }
        return clipboard
    }

    /// The terminal view's size in cells.
    public func resize(columns: Int, rows: Int) {
        guard columns > 0, rows > 0 else { return }
        size = (UInt16(clamping: columns), UInt16(clamping: rows))
        try? session?.resize(columns: size.columns, rows: size.rows)
    }

    /// Ends the session politely (the server exits).
    public func disconnect() {
        session?.shutdown()
    }

    /// Back to the form after a session ended.
    public func dismiss() {
        guard session == nil else { return }
        phase = .idle
        lines = []
        status = ""
        changed()
    }

    // MARK: platform events

    /// `NWPathMonitor` reported a path. The first report and repeats of the same
    /// path are not changes; any other is, and the session moves to a fresh socket.
    public func networkPathUpdated(_ newPath: NetworkPath) {
        defer { path = newPath }
        guard let path, path != newPath, newPath.satisfied else { return }
        try? session?.networkChanged()
    }

    /// `scenePhase` changed. Background: the session stops sending and its snapshot
    /// goes to the store (the app may be killed there). Active again: it resumes at
    /// once and the stored snapshot, soon stale, is deleted. Changes apply in order.
    public func appPhaseChanged(_ phase: AppPhase) {
        let previous = lifecycle
        lifecycle = Task { [weak self] in
            await previous?.value
            await self?.apply(phase)
        }
    }

    /// Waits until every lifecycle change so far has been applied.
    public func lifecycleSettled() async {
        await lifecycle?.value
    }

    private func apply(_ phase: AppPhase) async {
        guard let session else { return }
        switch phase {
        case .background:
            guard !session.status.background else { return }
            do {
                let saved = try await session.enterBackground()
                let store = self.store
                try await Task.detached { try store.save(saved) }.value
            } catch {
                status = "The session could not be saved: \(error)"
            }
        case .active:
            guard session.status.background else { return }
            try? session.enterForeground()
            let store = self.store
            await Task.detached { try? store.clear() }.value
        case .inactive:
            return
        }
        status = statusLine(session.status)
        changed()
    }
}

/// Tasks to cancel when the controller goes.
private final class Tasks: @unchecked Sendable {
    private let lock = NSLock()
    private var tasks: [Task<Void, Never>] = []

    func set(_ tasks: Task<Void, Never>?...) {
        lock.withLock { self.tasks = tasks.compactMap { $0 } }
    }

    func cancel() {
        lock.withLock { tasks }.forEach { $0.cancel() }
    }
}
