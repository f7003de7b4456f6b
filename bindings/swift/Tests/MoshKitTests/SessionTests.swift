// MoshKit against real servers on loopback, ours (target/debug/mosh-server) and the
// stock mosh-server (Debian's mosh 1.4), each started by the test and read from its
// `MOSH CONNECT` output: type and read the screen, keys, resize, network_changed,
// background and foreground, a snapshot restored in a new process, close, events on
// the library's thread, and a cancelled event stream releasing its session. A
// server that cannot be found fails the test.

import Foundation
import XCTest

@testable import MoshKit

final class SessionTests: XCTestCase {

    override class func setUp() {
        // The library's log on stderr, for a failing run: MOSHKIT_LOG=debug.
        if let level = ProcessInfo.processInfo.environment["MOSHKIT_LOG"] {
            initLogging(level: level == "trace" ? .trace : level == "info" ? .info : .debug)
        }
    }

    // MARK: type, keys, resize, close

    func testOurServerOverIPv6TypeKeysResizeAndClose() async throws {
        try await typeKeysResizeAndClose(.ours, host: "::1")
    }

    func testStockServerByNameTypeKeysResizeAndClose() async throws {
        try await typeKeysResizeAndClose(.stock, host: "localhost")
    }

    private func typeKeysResizeAndClose(_ kind: ServerKind, host: String) async throws {
        let server = try ServerProcess(kind)
        let session = try await MoshSession.connect(host: host, serverOutput: server.output)
        let log = EventLog(session)
        try waitForText(session, "$")
        try log.waitFor("a connected status") {
            if case .statusChanged(let status) = $0 { return status.state == .connected }
            return false
        }
        try typeLine(session, "echo hel''lo")
        try waitForText(session, "hello")
        try log.waitFor("a screen change") {
            if case .screenChanged(let rows) = $0 { return !rows.isEmpty }
            return false
        }

        // Keys encoded by the library: Left, then Ctrl-C as a character with ctrl.
        try session.send("echo abc")
        try session.send(.left)
        try session.send(.character(text: "c"), modifiers: KeyModifiers(ctrl: true))
        try waitForText(session, "^C")

        try session.resize(columns: 100, rows: 30)
        try typeLine(session, "stty size")
        try waitForText(session, "30 100")
        XCTAssertEqual(session.screen.columns, 100)
        XCTAssertEqual(session.screen.rows.count, 30)

        session.shutdown()
        XCTAssertEqual(try log.closed(), .closed)
        try eventually("the event stream finished") { log.finished }
        XCTAssertThrowsError(try session.send("x")) {
            XCTAssertEqual($0 as? MoshError, .SessionClosed)
        }
        XCTAssertThrowsError(try session.resize(columns: 80, rows: 24)) {
            XCTAssertEqual($0 as? MoshError, .SessionClosed)
        }
        XCTAssertEqual(session.status.state, .closed(reason: .closed))
        XCTAssertTrue(server.waitForExit(), "the server exits after a polite close")
    }

    // MARK: scrollback

    func testStockServerLinesThatScrollOffAreInTheScrollback() async throws {
        let server = try ServerProcess(.stock)
        let session = try await MoshSession.connect(host: "127.0.0.1", serverOutput: server.output)
        let log = EventLog(session)
        try waitForText(session, "$")
        try typeLine(session, "seq 1 60 | while read i; do echo line$i; sleep 0.02; done")
        try waitForText(session, "line60")
        try log.waitFor("scrollback lines") {
            if case .scrollbackAdded(let added) = $0 { return added > 0 }
            return false
        }
        try eventually("line37 just above the screen") {
            session.recentScrollback(1).first?.text.trimmingCharacters(in: .whitespaces) == "line37"
        }
        let all = session.scrollback(from: 0, count: .max).rows.map {
            $0.text.trimmingCharacters(in: .whitespaces)
        }
        XCTAssertEqual(UInt64(all.count), session.scrollbackCount)
        let range = session.scrollbackRange
        XCTAssertEqual(range.end - range.first, session.scrollbackCount)
        XCTAssertEqual(all.filter { $0.hasPrefix("line") }, (1...37).map { "line\($0)" })
        session.shutdown()
        XCTAssertEqual(try log.closed(), .closed)
    }

    // MARK: events on the library's thread

    /// The generated listener protocol, implemented as an app would without MoshKit.
    final class ThreadRecorder: SessionListener, @unchecked Sendable {
        private let lock = NSLock()
        private var threads: [(name: String, main: Bool)] = []
        func onEvent(event: Event) throws {
            let thread = (currentThreadName(), Thread.isMainThread)
            lock.withLock { threads.append(thread) }
        }
        var seen: [(name: String, main: Bool)] { lock.withLock { threads } }
    }

    func testEventsArriveOnTheLibraryThreadNotTheCallers() async throws {
        let server = try ServerProcess(.ours)
        let info = try parseConnect(output: server.output)
        let recorder = ThreadRecorder()
        let session = try await Session.connect(
            config: ConnectConfig(host: "127.0.0.1", port: info.port, key: info.key,
                                  columns: 80, rows: 24, options: .standard))
        let subscription = try session.subscribe(listener: recorder)
        try eventually("events") { recorder.seen.count >= 2 }
        for thread in recorder.seen {
            XCTAssertFalse(thread.main)
            // The runtime's small pool, shared by every session.
            XCTAssertEqual(thread.name, "mosh-runtime")
        }
        session.shutdown()
        withExtendedLifetime(subscription) {}
        try eventually("closed") { session.status().state == .closed(reason: .closed) }

        // MoshKit's stream needs no thread of the caller's: it fills while this
        // thread never yields.
        let server2 = try ServerProcess(.ours)
        let kit = try await MoshSession.connect(host: "127.0.0.1", serverOutput: server2.output)
        let log = EventLog(kit)
        try waitForText(kit, "$")
        try eventually("stream events while the main thread is busy") { log.all.count >= 2 }
        kit.shutdown()
        XCTAssertEqual(try log.closed(), .closed)
    }

    // MARK: network_changed

    func testOurServerNetworkChangedSendsAtOnceAndGoesOn() async throws {
        try await networkChanged(.ours)
    }

    func testStockServerNetworkChangedSendsAtOnceAndGoesOn() async throws {
        try await networkChanged(.stock)
    }

    private func networkChanged(_ kind: ServerKind) async throws {
        let server = try ServerProcess(kind)
        let info = try parseConnect(output: server.output)
        let relay = try UdpRelay(toPort: info.port)
        defer { relay.stop() }
        let session = try await MoshSession.connect(host: "127.0.0.1", port: relay.port, key: info.key)
        try waitForText(session, "$")
        // Quiet: the next datagram is the one network_changed sends.
        pause(0.3)
        let before = relay.clientDatagrams
        let changed = Date()
        try session.networkChanged()
        try eventually("a datagram right after network_changed", 0.5) {
            relay.clientDatagrams > before
        }
        print("network_changed → datagram after \(Date().timeIntervalSince(changed)) s")
        // From the fresh socket (a new source port), the server follows.
        try typeLine(session, "echo moved''on")
        try waitForText(session, "movedon")
        session.shutdown()
    }

    // MARK: background and foreground

    /// A minute, as the Rust test (MOSHKIT_BACKGROUND_SECONDS shortens it).
    func testStockServerBackgroundSendsNothingAndForegroundResyncs() async throws {
        let seconds = Double(ProcessInfo.processInfo.environment["MOSHKIT_BACKGROUND_SECONDS"] ?? "") ?? 60
        try await backgroundAndForeground(.stock, seconds: seconds)
    }

    func testOurServerBackgroundSendsNothingAndForegroundResyncs() async throws {
        try await backgroundAndForeground(.ours, seconds: 5)
    }

    private func backgroundAndForeground(_ kind: ServerKind, seconds: TimeInterval) async throws {
        let server = try ServerProcess(kind)
        let info = try parseConnect(output: server.output)
        let relay = try UdpRelay(toPort: info.port)
        defer { relay.stop() }
        let session = try await MoshSession.connect(host: "127.0.0.1", port: relay.port, key: info.key)
        try waitForText(session, "$")
        try typeLine(session, "i=0; while :; do i=$((i+1)); printf '\\rtick %d ' $i; sleep 0.1; done")
        try waitForText(session, "tick ")

        let snapshot = try await session.enterBackground()
        XCTAssertFalse(snapshot.state.isEmpty)
        XCTAssertLessThanOrEqual(snapshot.secret.count, 1024)
        XCTAssertTrue(session.status.background)
        pause(0.2)
        let sent = relay.clientDatagrams
        pause(seconds)
        XCTAssertEqual(relay.clientDatagrams, sent, "sent in the background")

        let before = tick(session) ?? 0
        let foreground = Date()
        try session.enterForeground()
        try eventually("the ticker moves on after enter_foreground", 2) {
            (tick(session) ?? 0) > before
        }
        let resync = Date().timeIntervalSince(foreground)
        print("enter_foreground after \(seconds) s → new screen in \(resync) s")
        XCTAssertLessThan(resync, 0.5)
        XCTAssertFalse(session.status.background)
        try session.send(.character(text: "c"), modifiers: KeyModifiers(ctrl: true))
        try typeLine(session, "echo fore''ground")
        try waitForText(session, "foreground")
        session.shutdown()
    }

    private func tick(_ session: MoshSession) -> Int? {
        let text = session.screen.text
        guard let at = text.range(of: "tick ", options: .backwards) else { return nil }
        return Int(text[at.upperBound...].prefix { $0.isNumber })
    }

    // MARK: snapshot → new process → restore

    /// This process connects, goes to the background and drops the session; a new
    /// process restores the snapshot and finds the same shell.
    func testOurServerSnapshotRestoresInANewProcess() async throws {
        let server = try ServerProcess(.ours)
        var session: MoshSession? = try await MoshSession.connect(host: "127.0.0.1", serverOutput: server.output)
        try waitForText(session!, "$")
        try typeLine(session!, "X=kept''42; echo s''et")
        try waitForText(session!, "set")
        let snapshot = try await session!.enterBackground()
        weak var released = session!.session
        session = nil  // this process's session stops
        try eventually("the first session released") { released == nil }

        let file = temporaryFile("snapshot")
        defer {
            for part in ["secret", "state"] {
                try? FileManager.default.removeItem(at: file.appendingPathExtension(part))
            }
        }
        try writeSaved(snapshot, to: file)
        try restoreInAnotherProcess(file, server)
    }

    /// A process connects, goes to the background, stores its snapshot and is
    /// SIGKILLed (as iOS ends a suspended app); a new process restores it.
    func testStockServerSnapshotSurvivesAKilledProcess() throws {
        let server = try ServerProcess(.stock)
        let output = temporaryFile("server-output")
        let file = temporaryFile("snapshot")
        defer {
            try? FileManager.default.removeItem(at: output)
            for part in ["secret", "state"] {
                try? FileManager.default.removeItem(at: file.appendingPathExtension(part))
            }
        }
        try server.output.write(to: output, atomically: true, encoding: .utf8)
        let app = try ChildProcess(child(), ["connect", output.path, file.path],
                                   environment: ProcessInfo.processInfo.environment)
        try eventually("the first process stored its snapshot", 30) {
            app.stdout.contains("child saved the snapshot") || app.hasExited
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: file.appendingPathExtension("secret").path),
                      app.stdout + app.stderr)
        app.kill()
        XCTAssertEqual(app.wait(), 128 + SIGKILL)
        try restoreInAnotherProcess(file, server)
    }

    private func restoreInAnotherProcess(_ snapshot: URL, _ server: ServerProcess) throws {
        let restored = try runProcess(
            child(), ["restore", snapshot.path, "echo restored $X", "restored kept42"],
            environment: ProcessInfo.processInfo.environment)
        let printed = restored.stdout + restored.stderr
        XCTAssertEqual(restored.status, 0, printed)
        XCTAssertTrue(printed.contains("child saw restored kept42"), printed)
        // The restored session closed politely: the server exits.
        XCTAssertTrue(server.waitForExit(), "the server exits after the restored session's close")
    }

    private func child() -> String {
        productsDirectory().appendingPathComponent("MoshKitRestoreChild").path
    }

    private func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("moshkit-\(name)-\(UUID().uuidString)")
    }

    // MARK: lifetimes

    /// A stream does not keep its session: releasing the session stops it (the
    /// stream ends with `.detached`) and nothing more is sent.
    func testReleasingTheSessionDetachesItAndEndsItsStreams() async throws {
        let server = try ServerProcess(.ours)
        let info = try parseConnect(output: server.output)
        let relay = try UdpRelay(toPort: info.port)
        defer { relay.stop() }
        var session: MoshSession? = try await MoshSession.connect(
            host: "127.0.0.1", port: relay.port, key: info.key)
        try waitForText(session!, "$")
        weak var generated = session!.session
        let events = session!.events
        let consumer = Task.detached {
            var last: Event?
            for await event in events { last = event }
            return last
        }
        session = nil
        try eventually("the session released while its stream is read") { generated == nil }
        let last = await consumer.value
        XCTAssertEqual(last, .closed(reason: .detached))
        // Stopped in the library: no heartbeat (every 3 s) reaches the server.
        pause(0.3)
        let sent = relay.clientDatagrams
        pause(4)
        XCTAssertEqual(relay.clientDatagrams, sent, "a released session still sends")
        XCTAssertTrue(server.alive, "released, not closed: the server keeps the shell")
    }

    /// detach(): nothing more is sent, the stream ends with `.detached`, later calls
    /// throw, shutting down twice is harmless, and the snapshot resumes the shell.
    func testDetachKeepsTheRemoteShellForItsSnapshot() async throws {
        let server = try ServerProcess(.ours)
        let info = try parseConnect(output: server.output)
        let relay = try UdpRelay(toPort: info.port)
        defer { relay.stop() }
        let session = try await MoshSession.connect(host: "127.0.0.1", port: relay.port, key: info.key)
        let log = EventLog(session)
        try waitForText(session, "$")
        try typeLine(session, "marker=kept''here; echo $marker")
        try waitForText(session, "kepthere")
        let snapshot = try await session.detach()
        XCTAssertEqual(try log.closed(), .detached)
        let closed = await session.closed()
        XCTAssertEqual(closed, .detached)
        XCTAssertThrowsError(try session.send("x")) {
            XCTAssertEqual($0 as? MoshError, .SessionClosed)
        }
        session.shutdown()
        session.shutdown()
        pause(0.3)
        let sent = relay.clientDatagrams
        pause(3.5)
        XCTAssertEqual(relay.clientDatagrams, sent, "sent after detach")

        let resumed = try await MoshSession.restore(saved: snapshot)
        try typeLine(resumed, "echo again-$marker")
        try waitForText(resumed, "again-kepthere")
        resumed.shutdown()
        let end = await resumed.closed()
        XCTAssertEqual(end, .closed)
    }

    // MARK: input the library refuses

    func testBadInputIsATypedError() async throws {
        XCTAssertThrowsError(try parseConnect(output: "no connect line here")) {
            guard case .NoConnectLine = $0 as? MoshError else { return XCTFail("\($0)") }
        }
        let info = try parseConnect(output: "\r\nMOSH CONNECT 60001 4NeCCgvZFe2RnPgrcU1PQw\r\n")
        XCTAssertEqual(info.port, 60001)
        XCTAssertEqual(info.key, try SessionKey.parse(printable: "4NeCCgvZFe2RnPgrcU1PQw"))
        // Printing what parseConnect returned never shows the key.
        XCTAssertFalse("\(info)".contains("4NeCCgvZFe2RnPgrcU1PQw"), "\(info)")
        XCTAssertTrue("\(info.key)".contains(info.key.fingerprint()), "\(info.key)")
        await assertThrows(try await MoshSession.connect(host: "127.0.0.1", port: 60001, key: "short")) {
            guard case .InvalidKey = $0 as? MoshError else { return XCTFail("\($0)") }
        }
        await assertThrows(try await MoshSession.connect(host: "127.0.0.1", port: 0, key: info.key)) {
            XCTAssertEqual($0 as? MoshError, .InvalidPort(port: 0))
        }
        await assertThrows(try await MoshSession.connect(host: "127.0.0.1", port: 60001, key: info.key, columns: 0)) {
            guard case .InvalidSize = $0 as? MoshError else { return XCTFail("\($0)") }
        }
        await assertThrows(try await MoshSession.restore(
            saved: SavedSession(secret: Data("not a secret".utf8), state: Data()))) {
            guard let error = $0 as? MoshError else { return XCTFail("\($0)") }
            switch error {
            case .SnapshotForeign, .SnapshotCorrupt: break
            default: XCTFail("\(error)")
            }
        }
        let command = serverCommand(options: ServerCommandOptions(port: "60001:60010"))
        XCTAssertTrue(command.hasPrefix("'mosh-server' 'new'"), command)
        XCTAssertTrue(command.contains("'-p' '60001:60010'"), command)
        XCTAssertFalse(version().library.isEmpty)
    }
}
