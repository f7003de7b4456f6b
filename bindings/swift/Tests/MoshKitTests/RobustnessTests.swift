// As the Rust and Kotlin tests: a listener that throws, 1,000 calls from 8 threads,
// VT output for an app's own terminal widget, and local echo (a prediction on the
// screen) long before a distant server's echo could arrive.

import Foundation
import XCTest

@testable import MoshKit

final class RobustnessTests: XCTestCase {

    /// Throws on every event (the generated listener protocol, as an app writes it).
    final class ThrowingListener: SessionListener, @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0
        var calls: Int { lock.withLock { count } }
        func onEvent(event: Event) throws {
            lock.withLock { count += 1 }
            throw ListenerError.Failed(detail: "listener throws")
        }
    }

    func testAListenerThatThrowsDoesNotEndTheSession() async throws {
        let server = try ServerProcess(.ours)
        let info = try parseConnect(output: server.output)
        let listener = ThrowingListener()
        let session = try await Session.connect(
            config: ConnectConfig(host: "127.0.0.1", port: info.port, key: info.key,
                                  columns: 80, rows: 24, options: .standard))
        let subscription = try session.subscribe(listener: listener)
        defer { subscription.cancel() }
        try eventually("a prompt") { session.screen().text.contains("$") }
        try session.sendInput(bytes: Data("echo still''going\r".utf8))
        try eventually("the session went on") { session.screen().text.contains("stillgoing") }
        XCTAssertGreaterThan(listener.calls, 1)
        session.shutdown()
    }

    func testAThousandCallsFromEightThreads() async throws {
        let server = try ServerProcess(.ours)
        let session = try await MoshSession.connect(host: "127.0.0.1", serverOutput: server.output)
        try waitForText(session, "$")
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var errors: [String] = []
        }
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for i in 0..<125 {
                do {
                    switch (thread + i) % 6 {
                    case 0: try session.send(bytes: Data())
                    case 1: if session.screen.rows.isEmpty { throw TestError.failed("empty screen") }
                    case 2: _ = session.status
                    case 3: try session.resize(columns: 80 + UInt16(i % 3), rows: 24)
                    case 4: if try blocking({ try await session.snapshot() }).state.isEmpty { throw TestError.failed("empty snapshot") }
                    default: try session.networkChanged()
                    }
                } catch {
                    failures.lock.withLock { failures.errors.append("\(error)") }
                }
            }
        }
        XCTAssertEqual(failures.errors, [])
        try session.resize(columns: 80, rows: 24)
        try typeLine(session, "echo still''here")
        try waitForText(session, "stillhere")
        session.shutdown()
    }

    func testVtOutputForAnAppsOwnTerminalWidget() async throws {
        let server = try ServerProcess(.ours)
        let info = try parseConnect(output: server.output)
        let session = try await MoshSession.connect(
            host: "127.0.0.1", port: info.port, key: info.key,
            options: SessionOptions(prediction: .adaptive, output: .vt))
        let log = EventLog(session)
        try typeLine(session, "printf '\\033[1;31mred\\033[m plain\\n'; echo vt''ok")
        try eventually("VT bytes with the output") {
            let bytes = log.all.reduce(into: Data()) {
                if case .vtOutput(let chunk) = $1 { $0.append(chunk) }
            }
            return String(decoding: bytes, as: UTF8.self).contains("vtok")
        }
        // The first VT event draws the whole screen (it starts by clearing it).
        guard case .vtOutput(let first)? = log.all.first(where: {
            if case .vtOutput = $0 { return true } else { return false }
        }) else { return XCTFail("no VT output") }
        XCTAssertTrue(String(decoding: first, as: UTF8.self).contains("\u{1b}["), "escape sequences")
        XCTAssertFalse(log.all.contains { if case .screenChanged = $0 { return true } else { return false } },
                       "VT mode sends no screen events")
        // screen() still holds the display, styles included.
        let red = session.screen.rows.flatMap(\.runs).first { $0.text.hasPrefix("red") }
        XCTAssertEqual(red?.style.foreground, .indexed(index: 1))
        XCTAssertEqual(red?.style.bold, true)
        session.shutdown()
    }

    /// Keystroke → the event whose screen shows it as a prediction, with the stock
    /// server 250 ms away each way: only local echo can show it that early.
    func testPredictionsShowBeforeADistantServerCouldEcho() async throws {
        let server = try ServerProcess(.stock)
        let info = try parseConnect(output: server.output)
        let relay = try UdpRelay(toPort: info.port, delay: 0.25)
        defer { relay.stop() }
        let session = try await MoshSession.connect(
            host: "127.0.0.1", port: relay.port, key: info.key,
            options: SessionOptions(prediction: .always, output: .screen))
        try waitForText(session, "$")
        // The consumer checks each screen event as it comes out of the stream.
        final class Probe: @unchecked Sendable {
            let lock = NSLock()
            var typed: String?
            var shownAt: Date?
        }
        let probe = Probe()
        let events = session.events
        let consumer = Task.detached {
            for await event in events {
                guard case .screenChanged = event else { continue }
                probe.lock.withLock {
                    if let typed = probe.typed, probe.shownAt == nil,
                       showsPrediction(session.screen, typed) {
                        probe.shownAt = Date()
                    }
                }
            }
        }
        defer { consumer.cancel() }
        try session.send("echo ")
        try waitForText(session, "echo ")
        var typed = "echo "
        var latencies: [TimeInterval] = []
        for character in "abcdefghijklmnopqrstuvwxyz0123456789" {
            typed.append(character)
            probe.lock.withLock {
                probe.typed = typed
                probe.shownAt = nil
            }
            let start = Date()
            try session.send(String(character))
            try eventually("a screen event showing \(typed.debugDescription) predicted", 5) {
                probe.lock.withLock { probe.shownAt != nil }
            }
            latencies.append(probe.lock.withLock { probe.shownAt! }.timeIntervalSince(start))
            pause(0.06)
        }
        let sorted = latencies.sorted()
        let median = sorted[sorted.count / 2]
        print("keystroke → predicted screen event: median \(Int(median * 1_000_000)) µs, " +
              "max \(Int(sorted.last! * 1_000_000)) µs (server 250 ms one way)")
        XCTAssertLessThan(median, 0.25, "predictions show before the server's echo could")
        try waitForText(session, typed)
        session.shutdown()
    }
}

/// Whether the cursor row ends with `typed` just left of the cursor, predicted.
private func showsPrediction(_ screen: Screen, _ typed: String) -> Bool {
    let cursor = screen.cursor
    guard Int(cursor.row) < screen.rows.count, cursor.column > 0 else { return false }
    let row = screen.rows[Int(cursor.row)]
    let column = cursor.column - 1
    guard let run = row.runs.first(where: { column >= $0.column && column < $0.column + $0.width }),
          run.predicted
    else { return false }
    return String(row.text.prefix(Int(cursor.column))).hasSuffix(typed)
}

/// A swipe as wheel events scrolls `less --mouse` through our server; the modes say
/// when to send them.
final class MouseTests: XCTestCase {
    private func topLine(_ session: MoshSession) -> String {
        session.screen.rows.first?.text.trimmingCharacters(in: .whitespaces) ?? ""
    }

    func testWheelEventsScrollLessAndAShellGetsNothing() async throws {
        let server = try ServerProcess(.ours)
        let session = try await MoshSession.connect(host: "127.0.0.1", serverOutput: server.output)
        try waitForText(session, "$")
        XCTAssertEqual(session.screen.modes.mouseTracking, .off)
        let wheelDown = MouseEvent(action: .wheelDown, column: 10, row: 10, modifiers: KeyModifiers())
        try session.send(mouse: wheelDown)
        XCTAssertEqual(try session.scroll(steps: -3, column: 10, row: 10), .scrollback)
        try typeLine(session, "seq -f 'row %g' 1 500 > /tmp/sw-mouse-$$; less --mouse /tmp/sw-mouse-$$")
        try eventually("less with the mouse") {
            session.screen.modes.mouseTracking != .off && topLine(session) == "row 1"
        }
        XCTAssertEqual(session.screen.modes.mouseEncoding, .sgr)
        for _ in 0..<5 { try session.send(mouse: wheelDown) }
        try eventually("a scroll") { topLine(session) != "row 1" }
        // Until every wheel step has been applied.
        var settled = topLine(session)
        while true {
            try await Task.sleep(nanoseconds: 300_000_000)
            let now = topLine(session)
            if now == settled { break }
            settled = now
        }
        let scrolled = Int(settled.dropFirst(4)) ?? 0
        XCTAssertEqual(try session.scroll(steps: -2, column: 10, row: 10), .program)
        try eventually("a swipe back") { (Int(topLine(session).dropFirst(4)) ?? .max) < scrolled }
        try session.send("q")
        try eventually("the mouse off again") { session.screen.modes.mouseTracking == .off }
        try typeLine(session, "rm -f /tmp/sw-mouse-$$")
        session.shutdown()
    }
}
