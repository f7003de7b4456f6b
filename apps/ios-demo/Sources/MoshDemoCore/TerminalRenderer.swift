// screen() → lines of styled spans a view draws: colours resolved through a theme
// (the 16 ANSI colours, the 256-colour cube and greys, 24-bit), inverse swapped,
// invisible blanked, predicted cells underlined, wide characters in cells of two,
// and printable ASCII in spans of its own, which a view draws as one text run.

import MoshKit

/// An sRGB colour.
public struct RGB: Equatable, Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(_ red: UInt8, _ green: UInt8, _ blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }
}

/// The terminal's colours.
public struct TerminalTheme: Equatable, Sendable {
    public var foreground: RGB
    public var background: RGB
    public var cursor: RGB
    /// ANSI colours 0–15.
    public var ansi: [RGB]

    /// Light grey on near-black, xterm's ANSI colours.
    public static let dark = TerminalTheme(
        foreground: RGB(229, 229, 229), background: RGB(24, 24, 24), cursor: RGB(229, 229, 229),
        ansi: [
            RGB(0, 0, 0), RGB(205, 0, 0), RGB(0, 205, 0), RGB(205, 205, 0),
            RGB(0, 0, 238), RGB(205, 0, 205), RGB(0, 205, 205), RGB(229, 229, 229),
            RGB(127, 127, 127), RGB(255, 0, 0), RGB(0, 255, 0), RGB(255, 255, 0),
            RGB(92, 92, 255), RGB(255, 0, 255), RGB(0, 255, 255), RGB(255, 255, 255),
        ])

    public init(foreground: RGB, background: RGB, cursor: RGB, ansi: [RGB]) {
        precondition(ansi.count == 16, "16 ANSI colours")
        self.foreground = foreground
        self.background = background
        self.cursor = cursor
        self.ansi = ansi
    }

    /// The colour of palette entry `index` (xterm's 256-colour palette above 15).
    public func indexed(_ index: UInt8) -> RGB {
        switch index {
        case 0..<16:
            return ansi[Int(index)]
        case 16..<232:
            let cube = Int(index) - 16
            let level = { (step: Int) -> UInt8 in step == 0 ? 0 : UInt8(55 + step * 40) }
            return RGB(level(cube / 36), level(cube / 6 % 6), level(cube % 6))
        default:
            let grey = UInt8(8 + (Int(index) - 232) * 10)
            return RGB(grey, grey, grey)
        }
    }

    func resolve(_ color: Color, default fallback: RGB) -> RGB {
        switch color {
        case .default: return fallback
        case .indexed(let index): return indexed(index)
        case .rgb(let red, let green, let blue): return RGB(red, green, blue)
        }
    }
}

/// Consecutive cells drawn alike.
public struct TerminalSpan: Equatable, Sendable {
    /// First column.
    public var column: Int
    /// Columns covered.
    public var width: Int
    /// The text. With `wide`, every character takes two cells; otherwise one.
    public var text: String
    public var wide: Bool
    /// Every character is printable ASCII, which a monospaced font advances by
    /// exactly one cell: the view may draw the span as one text run. Other
    /// characters (accents, box drawing, symbols) may come from a fallback font with
    /// other advances, so the view puts each of those in its cell.
    public var ascii: Bool
    public var foreground: RGB
    public var background: RGB
    public var bold: Bool
    public var italic: Bool
    /// Underlined by the remote program, or a prediction not yet confirmed.
    public var underline: Bool
    public var blink: Bool
    /// A local prediction (underlined).
    public var predicted: Bool
}

/// Which line a view shows: a scrollback line by its number (stable while the
/// oldest lines go), or a screen row by its index.
public enum TerminalLineKey: Hashable, Sendable {
    case scrollback(UInt64)
    case screen(Int)
}

/// One row of spans.
public struct TerminalLine: Equatable, Sendable, Identifiable {
    public var id: TerminalLineKey
    public var spans: [TerminalSpan]

    public init(id: TerminalLineKey, spans: [TerminalSpan]) {
        self.id = id
        self.spans = spans
    }

    /// The row's text.
    public var text: String { spans.map(\.text).joined() }
}

/// Where the cursor is drawn.
public struct TerminalCursor: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public var visible: Bool
}

/// Turns `Screen` into lines to draw.
public struct TerminalRenderer: Sendable {
    public var theme: TerminalTheme

    public init(theme: TerminalTheme = .dark) {
        self.theme = theme
    }

    public func lines(_ screen: Screen) -> [TerminalLine] {
        screen.rows.enumerated().map { index, row in line(row, id: .screen(index)) }
    }

    /// One screen row or scrollback line.
    public func line(_ row: ScreenRow, id: TerminalLineKey) -> TerminalLine {
        TerminalLine(id: id, spans: row.runs.flatMap(spans))
    }

    public func cursor(_ screen: Screen) -> TerminalCursor {
        cursor(screen.cursor)
    }

    public func cursor(_ cursor: Cursor) -> TerminalCursor {
        TerminalCursor(row: Int(cursor.row), column: Int(cursor.column), visible: cursor.visible)
    }

    func spans(_ run: StyledRun) -> [TerminalSpan] {
        let style = run.style
        var foreground = theme.resolve(style.foreground, default: theme.foreground)
        var background = theme.resolve(style.background, default: theme.background)
        if style.bold, case .indexed(let index) = style.foreground, index < 8 {
            foreground = theme.indexed(index + 8)  // bold brightens the 8 ANSI colours
        }
        if style.inverse { swap(&foreground, &background) }
        let text = style.invisible ? String(repeating: " ", count: run.text.count) : run.text
        let span = TerminalSpan(
            column: Int(run.column), width: Int(run.width), text: text, wide: false, ascii: false,
            foreground: foreground, background: background,
            bold: style.bold, italic: style.italic, underline: style.underline || run.predicted,
            blink: style.blink, predicted: run.predicted)
        return cells(span)
    }

    /// Splits a span where character widths change, and around printable ASCII, so
    /// that a view can draw ASCII as text runs and put every other character in its
    /// cell. The run says how many columns it covers; which characters are the wide
    /// ones is read from their Unicode ranges and checked against that total (a
    /// mismatch keeps the span whole, drawn a character per cell).
    func cells(_ span: TerminalSpan) -> [TerminalSpan] {
        let characters = Array(span.text)
        guard !characters.isEmpty else { return [span] }
        let kinds = characters.map(CellKind.init)
        guard kinds.map(\.cells).reduce(0, +) == span.width else { return [span] }
        var result: [TerminalSpan] = []
        var column = span.column
        var start = 0
        for index in 1...characters.count where index == characters.count || kinds[index] != kinds[start] {
            var piece = span
            piece.column = column
            piece.text = String(characters[start..<index])
            piece.wide = kinds[start] == .wide
            piece.ascii = kinds[start] == .ascii
            piece.width = (index - start) * kinds[start].cells
            result.append(piece)
            column += piece.width
            start = index
        }
        return result
    }

    /// How a character is drawn.
    enum CellKind {
        /// Printable ASCII: one cell, in a run.
        case ascii
        /// Another character of one cell, drawn in its cell.
        case narrow
        /// A character of two cells.
        case wide

        init(_ character: Character) {
            if character.isASCII, character.asciiValue.map({ (0x20...0x7E).contains($0) }) == true {
                self = .ascii
            } else {
                self = TerminalRenderer.isWide(character) ? .wide : .narrow
            }
        }

        var cells: Int { self == .wide ? 2 : 1 }
    }

    static func isWide(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        if scalar.properties.isEmojiPresentation { return true }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
             0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
             0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return true
        default:
            return false
        }
    }
}
