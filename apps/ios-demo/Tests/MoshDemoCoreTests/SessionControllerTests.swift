// The session controller against our mosh-server (target/debug/mosh-server) and the
// stock one, started through the controller's SSH step by a bootstrap that runs the
// library's server command with a local shell instead of SSH: connect from the
// form, draw (row by row, matching a whole read), key bar, resize, network path
// changes, background (snapshot stored) → a new controller restores it (the app was
// killed) → foreground, disconnect; the status line while the server is stopped
// with the notification bar off; swipes through the scrollback or to the program.

import Foundation
import MoshKit
import XCTest

@testable import MoshDemoCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs the server command with /bin/sh where the app runs it over SSH, as if the
/// SSH connection came from 127.0.0.1 (so `-s` binds loopback).
final class LocalBootstrap: ServerBootstrap, @unchecked Sendable {
    private let lock = NSLock()
    private var pids: [pid_t] = []

    func startServer(_ settings: ConnectionSettings, command: String) async throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["LANG"] = "C.UTF-8"
        environment["SHELL"] = "/bin/sh"
        environment["PS1"] = "$ "
        environment["SSH_CONNECTION"] = "127.0.0.1 50000 127.0.0.1 22"
        let run = try runProcess("/bin/sh", ["-c", command + " -- /bin/sh"], environment: environment)
        let marker = "[mosh-server detached, pid = "
        if let line = run.stderr.split(separator: "\n").first(where: { $0.hasPrefix(marker) }),
           let pid = pid_t(line.dropFirst(marker.count).dropLast()) {
            lock.withLock { pids.append(pid) }
        }
        return run.stdout + run.stderr
    }

    /// Ends the server daemons it started.
    func stopServers() {
        for pid in lock.withLock({ pids }) where kill(pid, 0) == 0 {
            kill(pid, SIGKILL)
        }
    }

    func serverAlive() -> Bool {
        lock.withLock { pids }.contains { kill($0, 0) == 0 }
    }

    /// Stops (SIGSTOP) or resumes (SIGCONT) the server daemons it started.
    func signalServers(_ signal: Int32) {
        for pid in lock.withLock({ pids }) { kill(pid, signal) }
    }
}

enum Server {
    /// Our mosh-server: $MOSHKIT_OUR_SERVER or target/debug/mosh-server.
    static func ours() throws -> String {
        let path = ProcessInfo.processInfo.environment["MOSHKIT_OUR_SERVER"]
            ?? URL(fileURLWithPath: #filePath)  // apps/ios-demo/Tests/MoshDemoCoreTests/…
                .deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent()
                .appendingPathComponent("target/debug/mosh-server").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestFailure("our mosh-server missing at \(path): cargo build -p mosh-server")
        }
        return path
    }

    /// The stock mosh-server on PATH.
    static func stock() throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let candidate = "\(dir)/mosh-server"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestFailure("stock mosh-server not on PATH: install Debian's mosh")
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The controller lives on the main actor, and so do these tests.
final class SessionControllerTests: XCTestCase, @unchecked Sendable {
    let bootstrap = LocalBootstrap()

    override func tearDown() async throws {
        bootstrap.stopServers()
    }

    @MainActor func text(_ controller: SessionController) -> String {
        controller.lines.map(\.text).joined(separator: "\n")
    }

    /// The text of lines without the blank cells that end screen rows.
    func trimmed(_ lines: some Sequence<TerminalLine>) -> [String] {
        lines.map { $0.text.trimmingCharacters(in: .whitespaces) }
    }

    /// Waits, letting the main actor run the controller's event task.
    @MainActor func until(_ what: String, _ limit: TimeInterval = 15,
               file: StaticString = #filePath, line: UInt = #line,
               _ condition: () -> Bool) async throws {
        let deadline = Date().addingTimeInterval(limit)
        while !condition() {
            if Date() > deadline {
                XCTFail("not within \(limit) s: \(what)", file: file, line: line)
                throw TestFailure(what)
            }
            try await Task.sleep(nanoseconds: 5_000_000)
        }
    }

    @MainActor func screenShows(_ controller: SessionController, _ needle: String,
                     file: StaticString = #filePath, line: UInt = #line) async throws {
        try await until("\(needle.debugDescription) on screen:\n\(text(controller))",
                        file: file, line: line) { text(controller).contains(needle) }
    }

    @MainActor func settings(server: String) -> ConnectionSettings {
        ConnectionSettings(host: "127.0.0.1", user: "me", moshServer: server)
    }

    @MainActor func testOurServerFormKeysResizeNetworkBackgroundKilledRestoredForeground() async throws {
        try await wholeLife(server: try Server.ours())
    }

    @MainActor func testStockServerFormKeysResizeNetworkBackgroundKilledRestoredForeground() async throws {
        try await wholeLife(server: try Server.stock())
    }

    final class Weak<T: AnyObject> {
        weak var object: T?
        init(_ object: T?) { self.object = object }
    }

    /// The first launch: connect, type, keys, resize, network changes, background.
    /// Returns the session, weakly: the app is killed when this returns.
    @MainActor func firstLaunch(server: String, store: SnapshotStore) async throws -> Weak<MoshSession> {
        var changes = 0
        let controller = SessionController(store: store)
        controller.onChange = { changes += 1 }
        let nonces = FileManager.default.temporaryDirectory
            .appendingPathComponent("moshdemo-nonces-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: nonces, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: nonces) }
        controller.options.nonceStoreDir = nonces.path
        controller.resize(columns: 80, rows: 24)
        await controller.connect(settings(server: server), via: bootstrap)
        XCTAssertEqual(controller.phase, .running)
        try await screenShows(controller, "$")
        try await until("a connected status line") { controller.status.hasPrefix("Connected") }
        XCTAssertGreaterThan(changes, 0)
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: nonces.path).isEmpty,
                       "the session reserved its nonces in the app's directory")

        XCTAssertFalse(controller.options.notificationBar, "the app draws the status itself")
        controller.type("X=kept''42; echo hel''lo\r")
        try await screenShows(controller, "hello")
        // Drawn from the rows each event named: the same as reading the whole screen.
        try await until("the drawn rows match a whole read") {
            let screen = controller.session!.screen
            return controller.lines == controller.renderer.lines(screen)
                && controller.cursor == controller.renderer.cursor(screen)
        }
        // Ctrl latched on the key bar, then "c": Ctrl-C.
        controller.type("echo abc")
        controller.tap(.left)
        controller.tap(.control)
        controller.type("c")
        XCTAssertFalse(controller.keyBar.controlLatched)
        try await screenShows(controller, "^C")
        // A hardware keyboard's Enter on an empty line, then a resize.
        controller.press(HardwareKeyPress(usage: 0x28, characters: "\r"))
        controller.resize(columns: 100, rows: 30)
        controller.type("stty size\r")
        try await screenShows(controller, "30 100")
        XCTAssertEqual(controller.lines.count, 30)
        XCTAssertEqual(controller.lines.last?.id, .screen(29))
        controller.resize(columns: 80, rows: 20)
        controller.type("stty size\r")
        try await screenShows(controller, "20 80")
        try await until("20 rows drawn") { controller.lines.count == 20 }

        // NWPathMonitor: the first report is no change, Wi-Fi → cellular is one.
        let sent = controller.session!.status.datagramsSent
        controller.networkPathUpdated(NetworkPath(satisfied: true, interfaces: ["en0"]))
        controller.networkPathUpdated(NetworkPath(satisfied: true, interfaces: ["en0"]))
        try await Task.sleep(nanoseconds: 200_000_000)
        let quiet = controller.session!.status.datagramsSent
        controller.networkPathUpdated(NetworkPath(satisfied: true, interfaces: ["pdp_ip0"]))
        try await until("a datagram at once after the path changed", 0.5) {
            controller.session!.status.datagramsSent > quiet
        }
        XCTAssertGreaterThanOrEqual(quiet, sent)
        controller.type("echo on''cellular\r")
        try await screenShows(controller, "oncellular")
        // A metered path turns the data saver on without counting as a new path.
        let before = controller.session!.status.datagramsSent
        controller.networkPathUpdated(NetworkPath(satisfied: true, interfaces: ["pdp_ip0"], metered: true))
        XCTAssertTrue(controller.dataSaver)
        controller.networkPathUpdated(NetworkPath(satisfied: true, interfaces: ["pdp_ip0"], metered: false))
        XCTAssertFalse(controller.dataSaver)
        controller.type("echo still''here\r")
        try await screenShows(controller, "stillhere")
        XCTAssertGreaterThan(controller.session!.status.datagramsSent, before)

        // To the background: the snapshot is stored; then the app is killed.
        controller.appPhaseChanged(.inactive)
        controller.appPhaseChanged(.background)
        await controller.lifecycleSettled()
        XCTAssertTrue(controller.session!.status.background)
        XCTAssertEqual(controller.status, "Paused in the background")
        XCTAssertNotNil(try store.load())
        return Weak(controller.session)
    }

    @MainActor func wholeLife(server: String) async throws {
        let store = MemorySnapshotStore()
        let killed = try await firstLaunch(server: server, store: store)
        try await until("the first session gone") { killed.object == nil }

        // A new launch resumes it from the store.
        let relaunched = SessionController(store: store)
        relaunched.resize(columns: 80, rows: 24)
        let resumed = await relaunched.restoreSaved()
        XCTAssertTrue(resumed)
        XCTAssertNil(try store.load(), "a used snapshot is deleted")
        relaunched.type("echo restored $X\r")
        try await screenShows(relaunched, "restored kept42")

        // Background and foreground again, in order.
        relaunched.appPhaseChanged(.background)
        relaunched.appPhaseChanged(.active)
        await relaunched.lifecycleSettled()
        XCTAssertNil(try store.load(), "back in the foreground the snapshot is deleted")
        try await until("in the foreground") { !relaunched.session!.status.background }
        relaunched.type("echo fore''ground\r")
        try await screenShows(relaunched, "foreground")

        relaunched.disconnect()
        try await until("ended") { relaunched.phase == .ended("Disconnected") }
        XCTAssertNil(relaunched.session)
        try await until("the server exited after the polite close") { !bootstrap.serverAlive() }
        relaunched.dismiss()
        XCTAssertEqual(relaunched.phase, .idle)
    }

    @MainActor func testTheRemoteShellExitingEndsTheSession() async throws {
        let controller = SessionController(store: MemorySnapshotStore())
        await controller.connect(settings(server: try Server.ours()), via: bootstrap)
        try await screenShows(controller, "$")
        controller.type("printf '\\033]0;my title\\007'; exit\r")
        try await until("ended") {
            controller.phase == .ended("Session ended: the remote shell exited")
        }
        XCTAssertEqual(controller.title, "my title")
    }

    @MainActor func testClipboardWritesReachTheApp() async throws {
        let controller = SessionController(store: MemorySnapshotStore())
        var copied: [String] = []
        controller.onClipboard = { copied.append($0) }
        await controller.connect(settings(server: try Server.ours()), via: bootstrap)
        try await screenShows(controller, "$")
        // OSC 52: "copied" in base64, then bytes that are not UTF-8 (\xff\xfe).
        controller.type("printf '\\033]52;c;Y29waWVk\\007'; echo sent\r")
        try await until("a clipboard write") { !copied.isEmpty }
        // Apart, so that the first is not coalesced away before the view hears of it.
        controller.type("printf '\\033]52;c;//4=\\007'; sleep 1; printf '\\033]52;c;YWdhaW4=\\007'\r")
        try await until("the next text write") { copied.count == 2 }
        XCTAssertEqual(copied, ["copied", "again"], "the write that is not text is not copied")
        controller.disconnect()
    }

    /// With the notification bar off, a silent server shows on the status line, never
    /// over the screen's top row; it recovers when the server answers again.
    @MainActor func testASilentServerShowsOnTheStatusLineNotOverTheScreen() async throws {
        let controller = SessionController(store: MemorySnapshotStore())
        controller.resize(columns: 80, rows: 24)
        await controller.connect(settings(server: try Server.ours()), via: bootstrap)
        controller.type("clear; echo top''line\r")
        try await until("the top row") { trimmed(controller.lines.prefix(1)) == ["topline"] }
        bootstrap.signalServers(SIGSTOP)
        defer { bootstrap.signalServers(SIGCONT) }
        // The library calls the server late after 6.5 s; stock's bar would be up by then.
        try await until("waiting, 8 s since the last contact", 20) {
            controller.status.hasPrefix("Waiting for the server · last contact ")
                && (Int(controller.status.split(separator: " ")[7]) ?? 0) >= 8
        }
        XCTAssertEqual(trimmed(controller.lines.prefix(1)), ["topline"], "the top row is still the program's")
        XCTAssertFalse(text(controller).contains("Last contact"), text(controller))
        bootstrap.signalServers(SIGCONT)
        try await until("connected again") { controller.status.hasPrefix("Connected") }
        controller.disconnect()
    }

    /// A swipe with a shell at its prompt scrolls the local scrollback, anchored by line
    /// numbers while output arrives, and typing returns to the screen; with `less
    /// --mouse` the same swipe goes to the program as wheel events.
    @MainActor func testSwipesScrollTheScrollbackOrGoToTheProgram() async throws {
        let controller = SessionController(store: MemorySnapshotStore())
        controller.resize(columns: 80, rows: 24)
        await controller.connect(settings(server: try Server.ours()), via: bootstrap)
        try await screenShows(controller, "$")
        controller.type("seq -f 'line %g' 1 100; sleep 3; seq -f 'more %g' 1 30\r")
        try await screenShows(controller, "line 100")
        // 24 rows: "line 78" at the top, so line 77 is the newest scrollback line.
        try await until("line 77 in the scrollback") {
            guard let session = controller.session else { return false }
            return session.recentScrollback(1).first?.text == "line 77"
        }
        XCTAssertEqual(controller.scroll(steps: -30, column: 0, viewRow: 5), .scrollback)
        XCTAssertFalse(controller.viewport.isLive)
        XCTAssertEqual(controller.visibleLines.count, 24)
        XCTAssertEqual(controller.history.count, 24, "30 lines back on 24 rows: only scrollback shows")
        XCTAssertEqual(controller.visibleLines.first?.text, "line 48")
        let anchor = controller.visibleLines.first?.id
        // Ten lines forward: 20 scrollback lines, then the screen's first 4 rows.
        XCTAssertEqual(controller.scroll(steps: 10, column: 0, viewRow: 5), .scrollback)
        XCTAssertEqual(controller.history.map(\.text), (58...77).map { "line \($0)" })
        XCTAssertEqual(trimmed(controller.visibleLines.dropFirst(20)), ["line 78", "line 79", "line 80", "line 81"])
        XCTAssertEqual(controller.scroll(steps: -10, column: 0, viewRow: 5), .scrollback)
        XCTAssertEqual(controller.visibleLines.first?.id, anchor)
        // Output while reading back scrolls more lines off; the window stays put.
        try await screenShows(controller, "more 30")
        XCTAssertEqual(controller.visibleLines.first?.text, "line 48")
        XCTAssertEqual(controller.visibleLines.first?.id, anchor)
        controller.type("\r")
        XCTAssertTrue(controller.viewport.isLive, "typing returns to the screen")
        XCTAssertTrue(controller.history.isEmpty)
        XCTAssertEqual(controller.visibleLines, controller.lines)

        controller.type("seq -f 'row %g' 1 500 > /tmp/demo-mouse-$$; less --mouse /tmp/demo-mouse-$$\r")
        try await until("less with the mouse") {
            controller.session?.screen.modes.mouseTracking != .off && trimmed(controller.lines.prefix(1)) == ["row 1"]
        }
        XCTAssertEqual(controller.scroll(steps: 3, column: 10, viewRow: 10), .program)
        XCTAssertTrue(controller.viewport.isLive, "the program scrolled, not the view")
        try await until("less scrolled forward") { trimmed(controller.lines.prefix(1)) != ["row 1"] }
        controller.type("q")
        try await until("less gone") { controller.session?.screen.modes.mouseTracking == .off }
        controller.type("rm -f /tmp/demo-mouse-$$\r")
        controller.disconnect()
    }

    struct FailingBootstrap: ServerBootstrap {
        let output: String
        func startServer(_ settings: ConnectionSettings, command: String) async throws -> String {
            if output.isEmpty { throw TestFailure("ssh: connection refused") }
            return output
        }
    }

    @MainActor func testFailedBootstrapsEndWithAReason() async throws {
        let controller = SessionController(store: MemorySnapshotStore())
        await controller.connect(settings(server: "mosh-server"), via: FailingBootstrap(output: ""))
        XCTAssertEqual(controller.phase, .ended("Could not connect: ssh: connection refused"))
        XCTAssertEqual((controller.startFailure as? TestFailure)?.description, "ssh: connection refused",
                       "the form gets the error itself, to offer a way out")
        controller.dismiss()
        XCTAssertNil(controller.startFailure)
        await controller.connect(settings(server: "mosh-server"),
                                 via: FailingBootstrap(output: "bash: mosh-server: command not found\n"))
        guard case .ended(let message) = controller.phase else { return XCTFail("\(controller.phase)") }
        XCTAssertTrue(message.contains("NoConnectLine"), message)
        // A stored snapshot that is not one.
        let broken = SessionController(store: MemorySnapshotStore(SavedSession(secret: Data("garbage".utf8), state: Data())))
        let brokenResumed = await broken.restoreSaved()
        XCTAssertFalse(brokenResumed)
        XCTAssertNotNil(broken.startFailure)
        let emptyResumed = await SessionController(store: MemorySnapshotStore()).restoreSaved()
        XCTAssertFalse(emptyResumed)
    }
}
