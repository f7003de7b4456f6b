// Which lines the terminal view shows: the live screen, or, once the user swipes
// back, a window that starts at a scrollback line. Anchored by the library's line
// numbers (`scrollbackRange`, which do not shift when the oldest lines go), so
// output arriving while the user reads does not move the text under their finger.
// The screen's rows count on after the scrollback: screen row i is position end + i.

/// Lines of the view: `count` scrollback lines from number `from`, then the screen's
/// first `screenRows` rows.
public struct ScrollbackWindow: Equatable, Sendable {
    public var from: UInt64
    public var count: Int
    public var screenRows: Int
}

public struct ScrollbackViewport: Equatable, Sendable {
    /// The scrollback line at the top of the view; nil while the view follows the
    /// screen.
    public private(set) var top: UInt64?

    public init() {}

    /// Whether the view shows the live screen.
    public var isLive: Bool { top == nil }

    /// Moves by `steps` lines (negative: back into the history, as
    /// `MoshSession.scroll` counts them) with lines `first..<end` held. Reaching the
    /// screen again follows it.
    public mutating func scroll(steps: Int, first: UInt64, end: UInt64) {
        let start = Int64(clamping: max(top ?? end, first))
        let moved = UInt64(clamping: max(start + Int64(steps), Int64(clamping: first)))
        top = moved >= end ? nil : moved
    }

    /// Back to the live screen (the user typed).
    public mutating func follow() {
        top = nil
    }

    /// The lines of a view `rows` high, with lines `first..<end` held.
    public func window(first: UInt64, end: UInt64, rows: Int) -> ScrollbackWindow {
        guard let top else { return ScrollbackWindow(from: end, count: 0, screenRows: rows) }
        let from = min(max(top, first), end)
        let count = Int(min(end - from, UInt64(max(rows, 0))))
        return ScrollbackWindow(from: from, count: count, screenRows: max(rows, 0) - count)
    }
}
