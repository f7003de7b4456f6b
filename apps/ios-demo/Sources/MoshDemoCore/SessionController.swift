// What the app's screens bind to: one session from the connection form (SSH, then
// mosh) or from the snapshot stored when the app went to the background, its lines
// (the screen's, and the scrollback's while the user reads back) and status for
// drawing, and the app's lifecycle and network wired to the library. On the main
// actor; no call blocks it: the library's calls are awaited, and the snapshot store
// (the Keychain) is read and written off the main actor.

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
    /// Expensive or constrained (`isExpensive`, `isConstrained`: cellular, a hotspot,
    /// Low Data Mode): the data saver is on while it is.
    public var metered: Bool

    public init(satisfied: Bool, interfaces: [String], gateways: [String] = [], metered: Bool = false) {
        self.satisfied = satisfied
        self.interfaces = interfaces
        self.gateways = gateways
        self.metered = metered
    }

    /// Whether the two reach the network the same way (whether either is metered aside).
    func sameRoute(as other: NetworkPath) -> Bool {
        satisfied == other.satisfied && interfaces == other.interfaces && gateways == other.gateways
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
    /// The screen's rows and cursor, as last drawn.
    public private(set) var screen: ScreenMirror
    /// The scrollback lines shown above the screen while the user reads back
    /// (`viewport`); empty while the view follows the screen.
    public private(set) var history: [TerminalLine] = []
    /// Where the view is: the live screen, or a scrollback line at its top.
    public private(set) var viewport = ScrollbackViewport()
    /// The window title the remote program set.
    public private(set) var title = ""
    /// The status line.
    public private(set) var status = ""
    /// Why the last connect or restore failed before a session ran (the form shows
    /// it, with a way out such as forgetting a changed host key); nil otherwise.
    public private(set) var startFailure: (any Error)?
    /// Rings so far (the view gives a haptic tap on a change).
    public private(set) var bells = 0
    public private(set) var keyBar = KeyBar()
    /// Called on the main actor after anything above changed.
    public var onChange: (@MainActor () -> Void)?
    /// Called with the text the remote program put on the clipboard (OSC 52), for
    /// the system pasteboard.
    public var onClipboard: (@MainActor (String) -> Void)?
    /// How sessions are shown; the app sets `nonceStoreDir` to a directory in
    /// Application Support so that restores never repeat a nonce, whatever the clock.
    public var options: SessionOptions = .demo

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
        self.screen = ScreenMirror(renderer: renderer)
    }

    /// The screen's rows.
    public var lines: [TerminalLine] { screen.lines }
    public var cursor: TerminalCursor { screen.cursor }
    public var renderer: TerminalRenderer { screen.renderer }

    /// What the view shows, top to bottom: the scrollback lines the user scrolled
    /// back to, then as many of the screen's rows as still fit.
    public var visibleLines: [TerminalLine] {
        history + lines.prefix(max(lines.count - history.count, 0))
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
        startFailure = nil
        status = "Starting mosh-server on \(settings.host)…"
        changed()
        do {
            let output = try await bootstrap.startServer(settings, command: settings.serverCommand)
            attach(try await MoshSession.connect(
                host: settings.host, serverOutput: output,
                columns: size.columns, rows: size.rows, options: options))
        } catch {
            startFailure = error
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
            startFailure = error
            end("The saved session could not be resumed: \(error)")
            return false
        }
    }

    /// Starts drawing a session. Its event stream begins with what a new view needs
    /// (every row, the status, the title), so nothing is missed between here and
    /// the first event.
    private func attach(_ session: MoshSession) {
        self.session = session
        if dataSaver { applyDataSaver(to: session) }
        phase = .running
        status = statusLine(session.status)
        let events = session.events
        self.events = Task { [weak self] in
            for await event in events {
                self?.handle(event)
            }
        }
        redrawAll()
    }

    func handle(_ event: Event) {
        switch event {
        case .screenChanged(let rows):
            redraw(rows)
        case .titleChanged(let title):
            self.title = title
        case .bell:
            bells += 1
        case .clipboard(let selection, let bytes):
            if let text = clipboardText(selection: selection, bytes: bytes) { onClipboard?(text) }
        case .statusChanged(let status):
            self.status = statusLine(status)
        case .closed(let reason):
            redrawAll()
            end(closeText(reason))
            let store = self.store
            Task.detached { try? store.clear() }
        case .vtOutput:
            break  // this app draws screen(), not a VT stream
        case .scrollbackAdded:
            // The window keeps its top line; the oldest lines may have gone.
            if !viewport.isLive { refreshHistory() }
        }
        changed()
    }

    /// Redraws the rows an event named, or the whole screen when its height changed.
    private func redraw(_ rows: [UInt16]) {
        guard let session else { return }
        if !screen.apply(session.screenUpdate(rows: screen.rowsToRead(named: rows))) {
            redrawAll()
        }
    }

    private func redrawAll() {
        guard let session else { return }
        screen.replace(with: session.screen)
        // A new height changes how many scrollback lines the window holds.
        if !viewport.isLive { refreshHistory() }
    }

    private func end(_ message: String) {
        session = nil
        viewport.follow()
        history = []
        phase = .ended(message)
        status = message
        changed()
    }

    // MARK: scrollback

    /// A vertical swipe of `steps` lines (positive: towards later content, the
    /// finger moving up) at a cell of the view. The remote program takes it as wheel
    /// events when it asked for the mouse there (`.program`); otherwise the view
    /// scrolls through the scrollback (`.scrollback`). Nil without a session.
    @discardableResult
    public func scroll(steps: Int, column: Int, viewRow: Int) -> ScrollTarget? {
        guard let session, steps != 0 else { return nil }
        // The program sees screen rows; scrollback lines shown above push them down.
        let screenRow = max(viewRow - history.count, 0)
        guard let target = try? session.scroll(
            steps: Int32(clamping: steps), column: UInt16(clamping: column), row: UInt16(clamping: screenRow))
        else { return nil }
        if target == .scrollback {
            let range = session.scrollbackRange
            viewport.scroll(steps: steps, first: range.first, end: range.end)
            refreshHistory()
            changed()
        }
        return target
    }

    /// Reads the scrollback lines the viewport shows, by number.
    private func refreshHistory() {
        guard let session, !viewport.isLive else {
            history = []
            return
        }
        let range = session.scrollbackRange
        let window = viewport.window(first: range.first, end: range.end, rows: lines.count)
        let read = session.scrollback(from: window.from, count: UInt32(clamping: window.count))
        history = read.rows.enumerated().map { offset, row in
            renderer.line(row, id: .scrollback(read.first + UInt64(offset)))
        }
    }

    /// Back to the live screen: the user typed.
    private func followScreen() {
        guard !viewport.isLive else { return }
        viewport.follow()
        history = []
    }

    private func changed() {
        onChange?()
    }

    // MARK: input

    /// Text from the keyboard (with Ctrl when the key bar's Ctrl is latched).
    public func type(_ text: String) {
        guard let session else { return }
        followScreen()
        try? keyBar.type(text, into: session)
        changed()
    }

    /// A key bar button.
    public func tap(_ key: KeyBarKey) {
        guard let session else { return }
        followScreen()
        try? keyBar.tap(key, into: session)
        changed()
    }

    /// A hardware keyboard key.
    public func press(_ press: HardwareKeyPress) {
        guard let session else { return }
        followScreen()
        try? press.send(into: session)
        changed()
    }

    public func paste(_ text: String) {
        guard let session else { return }
        followScreen()
        try? session.paste(text)
        changed()
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
        screen.clear()
        title = ""
        status = ""
        startFailure = nil
        changed()
    }

    // MARK: platform events

    /// `NWPathMonitor` reported a path. The first report and repeats of the same
    /// path are not changes; any other is, and the session moves to a fresh socket.
    public func networkPathUpdated(_ newPath: NetworkPath) {
        defer { path = newPath }
        if newPath.metered != dataSaver {
            dataSaver = newPath.metered
            if let session { applyDataSaver(to: session) }
        }
        guard let path, !path.sameRoute(as: newPath), newPath.satisfied else { return }
        try? session?.networkChanged()
    }

    /// Whether the path is metered: the server then sends at most `saverLines` of
    /// output that scrolls off, the newest, instead of all the session keeps.
    public private(set) var dataSaver = false

    /// Scrollback lines the server may send of a burst while the data saver is on.
    public static let saverLines: UInt32 = 100

    private func applyDataSaver(to session: MoshSession) {
        let kept = options.scrollbackLines
        try? session.setScrollbackBudget(lines: dataSaver ? min(Self.saverLines, kept) : kept)
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
