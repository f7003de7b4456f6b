// The screen as the view draws it, kept current from `screenChanged(rows)` events
// with `screenUpdate(rows:)`: only the rows an event named are read and rendered,
// not the whole screen. An update carries no height, so two probe rows are read
// with the named ones: the last row the mirror has (gone: the screen shrank) and
// the one after it (there: the screen grew). Either way the whole screen is read
// once, as at the start.

import MoshKit

public struct ScreenMirror: Sendable {
    /// The screen's rows, drawn.
    public private(set) var lines: [TerminalLine] = []
    public private(set) var cursor = TerminalCursor(row: 0, column: 0, visible: false)
    public var renderer: TerminalRenderer

    public init(renderer: TerminalRenderer = TerminalRenderer()) {
        self.renderer = renderer
    }

    /// The screen's height as the mirror knows it.
    public var height: Int { lines.count }

    /// The whole screen: the first draw, or after the height changed.
    public mutating func replace(with screen: Screen) {
        lines = renderer.lines(screen)
        cursor = renderer.cursor(screen)
    }

    /// Nothing drawn: back to the connection form.
    public mutating func clear() {
        lines = []
        cursor = TerminalCursor(row: 0, column: 0, visible: false)
    }

    /// The rows to ask `screenUpdate(rows:)` for after `screenChanged(rows: named)`.
    public func rowsToRead(named: [UInt16]) -> [UInt16] {
        guard height > 0 else { return named }
        let last = UInt16(clamping: height - 1)
        let next = UInt16(clamping: height)
        return named.filter { $0 != last && $0 != next } + [last, next]
    }

    /// Applies an update read with `rowsToRead(named:)`. Returns false when the
    /// screen's height is no longer the mirror's (nothing was applied): read the
    /// whole screen and `replace(with:)` it.
    public mutating func apply(_ update: ScreenUpdate) -> Bool {
        guard height > 0 else { return false }
        let indices = Set(update.rows.map(\.index))
        guard indices.contains(UInt16(clamping: height - 1)), !indices.contains(UInt16(clamping: height))
        else { return false }
        for numbered in update.rows {
            let index = Int(numbered.index)
            lines[index] = renderer.line(numbered.row, id: .screen(index))
        }
        cursor = renderer.cursor(update.cursor)
        return true
    }
}
