// A vertical drag as whole lines for `MoshSession.scroll(steps:column:row:)`: one
// line per cell height the finger moved, the fraction kept for the next movement so
// that a slow drag scrolls as far as a fast one over the same distance.

public struct SwipeSteps: Sendable {
    /// Points per line: the terminal's cell height.
    public var lineHeight: Double
    /// The drag's translation at the previous call.
    private var lastTranslation: Double = 0
    /// Distance moved but not yet a whole line, in points; positive: finger up.
    private var remainder: Double = 0

    public init(lineHeight: Double) {
        self.lineHeight = lineHeight
    }

    /// The drag moved to `translation`: its vertical distance from where it began,
    /// in points, positive downwards (SwiftUI's `DragGesture.Value.translation`).
    /// Returns the lines to scroll: positive towards later content (the finger moved
    /// up), negative towards earlier, as `MoshSession.scroll` counts them.
    public mutating func dragged(to translation: Double) -> Int {
        defer { lastTranslation = translation }
        guard lineHeight > 0 else { return 0 }
        remainder += lastTranslation - translation
        let steps = (remainder / lineHeight).rounded(.towardZero)
        remainder -= steps * lineHeight
        return Int(steps)
    }

    /// The finger lifted: the next drag starts from nothing.
    public mutating func end() {
        lastTranslation = 0
        remainder = 0
    }
}
