// A drag turned into lines, and the scrollback window those lines move.

import Foundation
import XCTest

@testable import MoshDemoCore

final class SwipeStepsTests: XCTestCase {
    func testWholeLinesPerCellHeightWithTheRestKept() {
        var swipe = SwipeSteps(lineHeight: 16)
        // The finger moves down (translation grows): earlier content, negative steps.
        XCTAssertEqual(swipe.dragged(to: 10), 0)
        XCTAssertEqual(swipe.dragged(to: 20), -1, "20 points: one line, 4 kept")
        XCTAssertEqual(swipe.dragged(to: 36), -1)
        XCTAssertEqual(swipe.dragged(to: 100), -4)
        // Back up past the start: later content, positive steps.
        XCTAssertEqual(swipe.dragged(to: 60), 2)
        XCTAssertEqual(swipe.dragged(to: -4), 4)
        swipe.end()
        // A new drag starts from its own origin with nothing kept.
        XCTAssertEqual(swipe.dragged(to: -15), 0)
        XCTAssertEqual(swipe.dragged(to: -17), 1)
    }

    func testSmallMovesAddUpLikeOneLargeMove() {
        var slow = SwipeSteps(lineHeight: 15.5)
        let steps = stride(from: 1.0, through: 160, by: 1).map { slow.dragged(to: -$0) }.reduce(0, +)
        var fast = SwipeSteps(lineHeight: 15.5)
        XCTAssertEqual(steps, fast.dragged(to: -160))
        XCTAssertEqual(steps, 10)
        var unmeasured = SwipeSteps(lineHeight: 0)
        XCTAssertEqual(unmeasured.dragged(to: 500), 0)
    }
}

final class ScrollbackViewportTests: XCTestCase {
    func testScrollingBackAndForthBetweenHistoryAndTheScreen() {
        var viewport = ScrollbackViewport()
        XCTAssertTrue(viewport.isLive)
        XCTAssertEqual(viewport.window(first: 0, end: 100, rows: 24), ScrollbackWindow(from: 100, count: 0, screenRows: 24))
        // Later content while live: nothing to move to.
        viewport.scroll(steps: 5, first: 0, end: 100)
        XCTAssertTrue(viewport.isLive)
        // Ten lines back: the ten newest scrollback lines, then 14 screen rows.
        viewport.scroll(steps: -10, first: 0, end: 100)
        XCTAssertEqual(viewport.top, 90)
        XCTAssertEqual(viewport.window(first: 0, end: 100, rows: 24), ScrollbackWindow(from: 90, count: 10, screenRows: 14))
        // Far back: only history, stopping at the oldest line held.
        viewport.scroll(steps: -500, first: 0, end: 100)
        XCTAssertEqual(viewport.window(first: 0, end: 100, rows: 24), ScrollbackWindow(from: 0, count: 24, screenRows: 0))
        // Forward past the screen's top: live again.
        viewport.scroll(steps: 101, first: 0, end: 100)
        XCTAssertTrue(viewport.isLive)
    }

    func testTheWindowStaysOnItsLinesWhileOutputArrivesAndOldLinesGo() {
        var viewport = ScrollbackViewport()
        viewport.scroll(steps: -3, first: 0, end: 50)
        XCTAssertEqual(viewport.top, 47)
        // Fifty more lines scrolled off: the same lines stay at the top.
        XCTAssertEqual(viewport.window(first: 0, end: 100, rows: 10), ScrollbackWindow(from: 47, count: 10, screenRows: 0))
        // The bound dropped lines up to 60: the window starts at the oldest held.
        XCTAssertEqual(viewport.window(first: 60, end: 110, rows: 10), ScrollbackWindow(from: 60, count: 10, screenRows: 0))
        viewport.scroll(steps: 1, first: 60, end: 110)
        XCTAssertEqual(viewport.top, 61)
        viewport.follow()
        XCTAssertTrue(viewport.isLive)
        // No scrollback at all: nothing to scroll back to.
        viewport.scroll(steps: -5, first: 7, end: 7)
        XCTAssertTrue(viewport.isLive)
    }
}

final class ClipboardWriteTests: XCTestCase {
    func testOnlyTextForTheClipboardSelection() {
        XCTAssertEqual(clipboardText(selection: "c", bytes: Data("copied ✓".utf8)), "copied ✓")
        XCTAssertEqual(clipboardText(selection: "", bytes: Data("default".utf8)), "default")
        XCTAssertEqual(clipboardText(selection: "pc", bytes: Data("both".utf8)), "both")
        XCTAssertNil(clipboardText(selection: "p", bytes: Data("primary".utf8)))
        XCTAssertNil(clipboardText(selection: "c", bytes: Data([0xFF, 0xFE, 0x41])), "not UTF-8")
        XCTAssertNil(clipboardText(selection: "c", bytes: Data()))
    }
}
