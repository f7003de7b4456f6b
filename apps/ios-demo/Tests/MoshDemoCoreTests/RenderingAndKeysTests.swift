// Screen → lines (colours, attributes, wide characters, predictions, cursor), the
// key bar and hardware keys (handed to the library's send_key untouched), the
// status line.

import MoshKit
import XCTest

@testable import MoshDemoCore

final class RenderingTests: XCTestCase {
    let theme = TerminalTheme.dark

    func run(_ column: UInt16, _ width: UInt16, _ text: String, _ style: Style = plain,
             predicted: Bool = false) -> StyledRun {
        StyledRun(column: column, width: width, text: text, style: style, predicted: predicted)
    }

    func testColoursAttributesAndInverse() {
        var red = plain
        red.foreground = .indexed(index: 1)
        red.bold = true
        var cube = plain
        cube.foreground = .indexed(index: 196)  // 5,0,0 in the cube
        cube.background = .indexed(index: 244)  // grey
        var true24 = plain
        true24.foreground = .rgb(red: 1, green: 2, blue: 3)
        true24.italic = true
        true24.underline = true
        var inverse = plain
        inverse.inverse = true
        var hidden = plain
        hidden.invisible = true
        let screen = Screen(
            columns: 20,
            rows: [ScreenRow(runs: [
                run(0, 3, "red", red), run(3, 4, "cube", cube), run(7, 3, "rgb", true24),
                run(10, 3, "inv", inverse), run(13, 6, "secret", hidden), run(19, 1, " "),
            ])],
            cursor: Cursor(row: 0, column: 5, visible: true), title: "t", modes: plainModes)
        let spans = TerminalRenderer(theme: theme).lines(screen)[0].spans
        XCTAssertEqual(spans.map(\.text), ["red", "cube", "rgb", "inv", "      ", " "])
        // Bold brightens ANSI red.
        XCTAssertEqual(spans[0].foreground, RGB(255, 0, 0))
        XCTAssertTrue(spans[0].bold)
        XCTAssertEqual(spans[1].foreground, RGB(255, 0, 0))
        XCTAssertEqual(spans[1].background, RGB(128, 128, 128))
        XCTAssertEqual(spans[2].foreground, RGB(1, 2, 3))
        XCTAssertTrue(spans[2].italic && spans[2].underline)
        XCTAssertEqual(spans[3].foreground, theme.background)
        XCTAssertEqual(spans[3].background, theme.foreground)
        XCTAssertEqual(spans[4].column, 13)
        XCTAssertEqual(TerminalRenderer(theme: theme).cursor(screen),
                       TerminalCursor(row: 0, column: 5, visible: true))
    }

    func testPredictedCellsAreUnderlined() {
        let screen = Screen(
            columns: 10,
            rows: [ScreenRow(runs: [run(0, 2, "$ "), run(2, 3, "abc", predicted: true), run(5, 5, "     ")])],
            cursor: Cursor(row: 0, column: 5, visible: true), title: "", modes: plainModes)
        let spans = TerminalRenderer().lines(screen)[0].spans
        XCTAssertFalse(spans[0].underline)
        XCTAssertTrue(spans[1].underline && spans[1].predicted)
        XCTAssertFalse(spans[2].underline)
    }

    func testWideCharactersGetTwoCells() {
        let screen = Screen(
            columns: 10,
            rows: [ScreenRow(runs: [run(0, 8, "a中文b🙂"), run(8, 2, "  ")])],
            cursor: Cursor(row: 0, column: 0, visible: false), title: "", modes: plainModes)
        let spans = TerminalRenderer().lines(screen)[0].spans
        XCTAssertEqual(spans.map(\.text), ["a", "中文", "b", "🙂", "  "])
        XCTAssertEqual(spans.map(\.column), [0, 1, 5, 6, 8])
        XCTAssertEqual(spans.map(\.width), [1, 4, 1, 2, 2])
        XCTAssertEqual(spans.map(\.wide), [false, true, false, true, false])
        XCTAssertEqual(spans.map(\.ascii), [true, false, true, false, true])
        // Widths the ranges cannot explain keep the run whole.
        let odd = Screen(columns: 3, rows: [ScreenRow(runs: [run(0, 3, "ab")])],
                         cursor: Cursor(row: 0, column: 0, visible: false), title: "", modes: plainModes)
        XCTAssertEqual(TerminalRenderer().lines(odd)[0].spans.map(\.text), ["ab"])
    }

    func testPrintableASCIIGetsSpansOfItsOwnForTextRuns() {
        // An accent and box drawing may come from a fallback font: each in its cell,
        // the ASCII around them in runs.
        let screen = Screen(
            columns: 11,
            rows: [ScreenRow(runs: [run(0, 11, "café ─┤ ok!")])],
            cursor: Cursor(row: 0, column: 0, visible: false), title: "", modes: plainModes)
        let spans = TerminalRenderer().lines(screen)[0].spans
        XCTAssertEqual(spans.map(\.text), ["caf", "é", " ", "─┤", " ok!"])
        XCTAssertEqual(spans.map(\.column), [0, 3, 4, 5, 7])
        XCTAssertEqual(spans.map(\.ascii), [true, false, true, false, true])
        XCTAssertEqual(spans.map(\.wide), [false, false, false, false, false])
        // A control character is not drawn as text.
        XCTAssertFalse(TerminalRenderer.CellKind("\u{7f}") == .ascii)
    }

    func testPaletteCubeAndGreys() {
        XCTAssertEqual(theme.indexed(16), RGB(0, 0, 0))
        XCTAssertEqual(theme.indexed(21), RGB(0, 0, 255))
        XCTAssertEqual(theme.indexed(231), RGB(255, 255, 255))
        XCTAssertEqual(theme.indexed(232), RGB(8, 8, 8))
        XCTAssertEqual(theme.indexed(255), RGB(238, 238, 238))
    }
}

let plain = Style(foreground: .default, background: .default, bold: false, italic: false,
                  underline: false, blink: false, inverse: false, invisible: false)

/// Records what would go to the library.
final class RecordingInput: KeyInput {
    var sent: [String] = []
    func send(_ text: String) throws { sent.append("text \(text)") }
    func send(_ key: Key, modifiers: KeyModifiers) throws {
        sent.append("key \(key)\(modifiers.ctrl ? " ctrl" : "")\(modifiers.alt ? " alt" : "")")
    }
}

final class KeyTests: XCTestCase {
    func testKeyBarSendsLibraryKeysAndLatchesCtrl() throws {
        let input = RecordingInput()
        var bar = KeyBar()
        try bar.tap(.escape, into: input)
        try bar.tap(.tab, into: input)
        try bar.tap(.up, into: input)
        try bar.tap(.left, into: input)
        try bar.tap(.control, into: input)
        XCTAssertTrue(bar.controlLatched)
        try bar.type("cd", into: input)
        XCTAssertFalse(bar.controlLatched)
        try bar.type("ls", into: input)
        try bar.tap(.control, into: input)
        try bar.tap(.right, into: input)
        XCTAssertEqual(input.sent, [
            "key escape", "key tab", "key up", "key left",
            #"key character(text: "c") ctrl"#, "text d", "text ls", "key right ctrl",
        ])
        XCTAssertEqual(KeyBarKey.allCases.map(\.label), ["esc", "ctrl", "tab", "↑", "↓", "←", "→"])
    }

    func testHardwareKeys() throws {
        let input = RecordingInput()
        try HardwareKeyPress(usage: 0x52, characters: "").send(into: input)  // up
        try HardwareKeyPress(usage: 0x3B, characters: "").send(into: input)  // F2
        try HardwareKeyPress(usage: 0x06, characters: "c", modifiers: KeyModifiers(ctrl: true)).send(into: input)
        try HardwareKeyPress(usage: 0x04, characters: "a").send(into: input)
        try HardwareKeyPress(usage: 0x2B, characters: "\t", modifiers: KeyModifiers(shift: true)).send(into: input)
        XCTAssertEqual(input.sent, [
            "key up", "key function(number: 2)", #"key character(text: "c") ctrl"#, "text a", "key tab",
        ])
    }

    func testStatusLineSaysWhatTheNotificationBarWould() {
        func status(_ state: ConnectionState, background: Bool = false, lastContact: UInt64? = nil,
                    lastReply: UInt64? = nil, dropped: UInt64 = 0, unauthentic: UInt64 = 0) -> Status {
            Status(state: state, lastContactMs: lastContact, rttMs: 42, background: background,
                   datagramsSent: 0, datagramsReceived: 0, bytesSent: 0, bytesReceived: 0,
                   datagramsUnauthentic: unauthentic, lastReplyMs: lastReply, inputWaiting: 0,
                   inputDroppedBytes: dropped)
        }
        XCTAssertEqual(statusLine(status(.connecting)), "Connecting…")
        XCTAssertEqual(statusLine(status(.connecting, unauthentic: 3)),
                       "Connecting… · 3 datagrams failed authentication (wrong key?)")
        XCTAssertEqual(statusLine(status(.connected, lastReply: 300)), "Connected · RTT 42 ms")
        // The server is heard, but nothing typed has been acknowledged for 10 s.
        XCTAssertEqual(statusLine(status(.connected, lastReply: 10_000)), "Connected · RTT 42 ms")
        XCTAssertEqual(statusLine(status(.connected, lastReply: 12_900)),
                       "Typing not reaching the server · last reply 12 s ago")
        XCTAssertEqual(statusLine(status(.waiting, lastContact: 12_500)),
                       "Waiting for the server · last contact 12 s ago")
        XCTAssertEqual(statusLine(status(.connected, lastReply: 11_000, dropped: 4096)),
                       "Typing not reaching the server · last reply 11 s ago · 4096 bytes of input dropped")
        // In the background nothing is sent or read: paused, whatever the state says.
        XCTAssertEqual(statusLine(status(.connected, background: true)), "Paused in the background")
        XCTAssertEqual(statusLine(status(.waiting, background: true, lastContact: 60_000)),
                       "Paused in the background")
        XCTAssertEqual(statusLine(status(.closed(reason: .serverExited), background: true)),
                       "Session ended: the remote shell exited")
    }

    func testConnectionFormAndServerCommand() {
        var settings = ConnectionSettings(host: "example.org", user: "me")
        XCTAssertTrue(settings.isComplete)
        XCTAssertTrue(settings.serverCommand.hasPrefix("'mosh-server' 'new'"), settings.serverCommand)
        settings.udpPorts = "60000:60010"
        XCTAssertTrue(settings.serverCommand.contains("'-p' '60000:60010'"), settings.serverCommand)
        settings.user = " "
        XCTAssertFalse(settings.isComplete)
    }
}

/// No mouse, no special modes: what a shell at its prompt has.
let plainModes = TerminalModes(
    mouseTracking: .off, mouseEncoding: .default, focusEvents: false,
    bracketedPaste: false, applicationCursorKeys: false, reverseVideo: false)
