// The mirror redraws only the rows an update carries, and asks for the whole screen
// when the height changed (an update says nothing about the height).

import MoshKit
import XCTest

@testable import MoshDemoCore

final class ScreenMirrorTests: XCTestCase {
    func row(_ text: String) -> ScreenRow {
        ScreenRow(runs: [StyledRun(column: 0, width: UInt16(text.count), text: text, style: plain, predicted: false)])
    }

    func screen(_ rows: [String], cursorRow: UInt16 = 0) -> Screen {
        Screen(columns: 10, rows: rows.map(row), cursor: Cursor(row: cursorRow, column: 0, visible: true),
               title: "", modes: plainModes)
    }

    /// An update of a screen: the rows of `current` asked for that exist.
    func update(_ current: [String], asked: [UInt16], cursorRow: UInt16 = 0) -> ScreenUpdate {
        ScreenUpdate(
            columns: 10, cursor: Cursor(row: cursorRow, column: 2, visible: true), title: "", modes: plainModes,
            rows: asked.filter { Int($0) < current.count }.map { NumberedRow(index: $0, row: row(current[Int($0)])) })
    }

    func testOnlyTheNamedRowsAndTheProbesAreReadAndApplied() {
        var mirror = ScreenMirror()
        mirror.replace(with: screen(["a", "b", "c", "d"]))
        let asked = mirror.rowsToRead(named: [1, 3])
        // Row 3 is named and the last row; row 4 would exist only on a taller screen.
        XCTAssertEqual(asked, [1, 3, 4])
        XCTAssertTrue(mirror.apply(update(["a", "B", "c", "D"], asked: asked, cursorRow: 1)))
        XCTAssertEqual(mirror.lines.map(\.text), ["a", "B", "c", "D"])
        XCTAssertEqual(mirror.lines.map(\.id), (0..<4).map(TerminalLineKey.screen))
        XCTAssertEqual(mirror.cursor, TerminalCursor(row: 1, column: 2, visible: true))
        // Only the cursor moved: the probes alone are read.
        XCTAssertEqual(mirror.rowsToRead(named: []), [3, 4])
    }

    func testAHeightChangeAsksForTheWholeScreen() {
        var mirror = ScreenMirror()
        mirror.replace(with: screen(["a", "b", "c", "d"]))
        let asked = mirror.rowsToRead(named: [0, 1])
        // Taller: the row after the last exists.
        XCTAssertFalse(mirror.apply(update(["x", "y", "c", "d", "e"], asked: asked)))
        // Shorter: the last row is gone.
        XCTAssertFalse(mirror.apply(update(["x", "y", "c"], asked: asked)))
        XCTAssertEqual(mirror.lines.map(\.text), ["a", "b", "c", "d"], "nothing applied")
        mirror.replace(with: screen(["x", "y", "c"]))
        XCTAssertEqual(mirror.lines.map(\.text), ["x", "y", "c"])
        // Nothing drawn yet: the first draw is a whole screen.
        var empty = ScreenMirror()
        XCTAssertEqual(empty.rowsToRead(named: [0, 1]), [0, 1])
        XCTAssertFalse(empty.apply(update(["a", "b"], asked: [0, 1])))
    }
}
