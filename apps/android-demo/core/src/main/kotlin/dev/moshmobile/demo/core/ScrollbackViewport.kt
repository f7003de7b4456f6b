package dev.moshmobile.demo.core

/**
 * Which rows the terminal view shows: the live screen, or, once the user swipes back, a
 * window that starts at a scrollback line. Anchored by the library's line numbers (they do
 * not shift when old lines go), so output arriving while the user reads does not move the
 * text under their finger. The screen's rows count on after the scrollback: row `i` of the
 * screen is position `end + i`.
 */
class ScrollbackViewport {
    /** The scrollback line at the top of the view, or null while the view follows the screen. */
    var top: Long? = null
        private set

    /** Whether the view shows the live screen. */
    val live: Boolean get() = top == null

    /** What to draw: [count] scrollback lines from number [from], then the screen's first [screenRows] rows. */
    data class Window(val from: Long, val count: Int, val screenRows: Int)

    /**
     * Moves by [steps] lines (negative: back into the history) with lines `first until end`
     * held. Reaching the screen again goes live.
     */
    fun scroll(steps: Int, first: Long, end: Long) {
        val start = (top ?: end).coerceAtLeast(first)
        val moved = (start + steps).coerceAtLeast(first)
        top = if (moved >= end) null else moved
    }

    /** Back to the live screen (the user typed). */
    fun follow() {
        top = null
    }

    /** The rows of a view [rows] high, with lines `first until end` held. */
    fun window(first: Long, end: Long, rows: Int): Window {
        val from = top?.coerceIn(first, end) ?: return Window(end, 0, rows)
        val count = minOf(end - from, rows.toLong()).toInt()
        return Window(from, count, rows - count)
    }
}
