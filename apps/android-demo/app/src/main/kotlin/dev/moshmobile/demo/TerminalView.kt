package dev.moshmobile.demo

import android.content.ClipboardManager
import android.content.Context
import android.graphics.Canvas
import android.graphics.Paint
import android.graphics.Typeface
import android.text.InputType
import android.util.TypedValue
import android.view.GestureDetector
import android.view.KeyEvent
import android.view.MotionEvent
import android.view.ScaleGestureDetector
import android.view.View
import android.view.inputmethod.BaseInputConnection
import android.view.inputmethod.EditorInfo
import android.view.inputmethod.InputConnection
import android.view.inputmethod.InputMethodManager
import dev.moshmobile.demo.core.Glyph
import dev.moshmobile.demo.core.KeyBarState
import dev.moshmobile.demo.core.KeyInput
import dev.moshmobile.demo.core.Palette
import dev.moshmobile.demo.core.StyledLines
import dev.moshmobile.demo.core.ScrollbackViewport
import dev.moshmobile.demo.core.StyledScreen
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.ScrollTarget
import dev.moshmobile.ffi.ScrollbackLines
import dev.moshmobile.ffi.ScrollbackRange

/** Where the view reads the scrollback it shows when the user swipes back. */
interface ScrollbackSource {
    fun range(): ScrollbackRange?
    fun lines(from: Long, count: Int): ScrollbackLines?
}

/**
 * Draws the library's screen: colours, bold/italic/underline/inverse, wide characters,
 * the cursor, predicted cells underlined. Takes the soft keyboard (through an
 * InputConnection), hardware keys, paste (long press), pinch to change the font size, and
 * vertical swipes: to the remote program as wheel events when it takes them ([onSwipe]
 * decides), else through the local scrollback. Reports its size in cells through
 * [onResize] and input through [onInput].
 */
class TerminalView(context: Context) : View(context) {
    var onInput: (KeyInput) -> Unit = {}
    var onResize: (columns: Int, rows: Int) -> Unit = { _, _ -> }

    /** A swipe of so many lines at a cell; says whether the program took it. */
    var onSwipe: (steps: Int, column: Int, row: Int) -> ScrollTarget = { _, _, _ -> ScrollTarget.SCROLLBACK }

    /** The history shown above the screen while the user reads back. */
    var scrollback: ScrollbackSource? = null

    /** Which rows are shown: the live screen, or a window into the scrollback. */
    val viewport = ScrollbackViewport()

    /** Swipe distance not yet a whole line, in pixels. */
    private var swipeRemainder = 0f

    /** The key bar shares the Ctrl latch with the soft keyboard. */
    val keyBar = KeyBarState()

    private val palette = Palette()
    private val paint = Paint(Paint.ANTI_ALIAS_FLAG).apply { typeface = Typeface.MONOSPACE }
    private val fill = Paint()
    private var styled: StyledScreen? = null

    /** What the view draws now (the newest screen it was given). */
    val shown: StyledScreen? get() = styled
    private var cellWidth = 0f
    private var cellHeight = 0f
    private var baseline = 0f

    /** Text size in pixels (pinch or the + / − keys change it). */
    var fontSizePx: Float = TypedValue.applyDimension(TypedValue.COMPLEX_UNIT_SP, 14f, resources.displayMetrics)
        set(value) {
            field = value.coerceIn(6f * resources.displayMetrics.density, 64f * resources.displayMetrics.density)
            measureCells()
            reportSize()
            invalidate()
        }

    /** The size in cells reported last. */
    var columns = 0
        private set
    var rows = 0
        private set

    init {
        isFocusable = true
        isFocusableInTouchMode = true
        measureCells()
    }

    private fun measureCells() {
        paint.textSize = fontSizePx
        cellWidth = paint.measureText("M")
        val metrics = paint.fontMetrics
        cellHeight = metrics.descent - metrics.ascent
        baseline = -metrics.ascent
    }

    /** Shows [screen]; call on the UI thread. */
    fun show(screen: Screen) {
        styled = StyledLines.from(screen, palette)
        invalidate()
    }

    override fun onSizeChanged(w: Int, h: Int, oldw: Int, oldh: Int) {
        super.onSizeChanged(w, h, oldw, oldh)
        reportSize()
    }

    private fun reportSize() {
        if (width == 0 || height == 0 || cellWidth <= 0f) return
        val newColumns = maxOf(1, (width / cellWidth).toInt())
        val newRows = maxOf(1, (height / cellHeight).toInt())
        if (newColumns != columns || newRows != rows) {
            columns = newColumns
            rows = newRows
            onResize(columns, rows)
        }
    }

    override fun onDraw(canvas: Canvas) {
        canvas.drawColor(palette.background)
        val screen = styled ?: return
        // Scrolled back: scrollback lines first, then as much of the screen as fits.
        val source = scrollback
        val range = if (viewport.live) null else source?.range()
        val window = range?.let { viewport.window(it.first.toLong(), it.end.toLong(), rows) }
        val history = window?.let { source?.lines(it.from, it.count)?.rows }.orEmpty()
        history.forEachIndexed { row, line ->
            for (glyph in StyledLines.line(line, palette)) drawGlyph(canvas, glyph, row * cellHeight)
        }
        val screenRows = window?.screenRows ?: screen.lines.size
        screen.lines.take(screenRows).forEachIndexed { row, glyphs ->
            val top = (history.size + row) * cellHeight
            for (glyph in glyphs) drawGlyph(canvas, glyph, top)
        }
        if (screen.cursorVisible && screen.cursorRow < screenRows) {
            val left = screen.cursorColumn * cellWidth
            val top = (history.size + screen.cursorRow) * cellHeight
            fill.color = CURSOR
            fill.alpha = 0xA0
            canvas.drawRect(left, top, left + cellWidth, top + cellHeight, fill)
        }
    }

    /** Back to the live screen (the user typed). */
    fun followScreen() {
        if (!viewport.live) {
            viewport.follow()
            invalidate()
        }
    }

    /** A finger went down: a new swipe starts from a whole line. */
    fun startSwipe() {
        swipeRemainder = 0f
    }

    /** A vertical swipe of [distancePx] (positive: the finger moved up, towards later lines) at [x], [y]. */
    fun swipe(distancePx: Float, x: Float, y: Float) {
        if (cellHeight <= 0f) return
        swipeRemainder += distancePx
        val steps = (swipeRemainder / cellHeight).toInt()
        if (steps == 0) return
        swipeRemainder -= steps * cellHeight
        val column = (x / cellWidth).toInt().coerceIn(0, maxOf(0, columns - 1))
        val row = (y / cellHeight).toInt().coerceIn(0, maxOf(0, rows - 1))
        if (onSwipe(steps, column, row) == ScrollTarget.SCROLLBACK) {
            val range = scrollback?.range() ?: return
            viewport.scroll(steps, range.first.toLong(), range.end.toLong())
            invalidate()
        }
    }

    private fun drawGlyph(canvas: Canvas, glyph: Glyph, top: Float) {
        val left = glyph.column * cellWidth
        val right = left + glyph.width * cellWidth
        if (glyph.background != palette.background) {
            fill.color = glyph.background
            canvas.drawRect(left, top, right, top + cellHeight, fill)
        }
        if (glyph.text.isNotBlank()) {
            paint.color = glyph.foreground
            paint.isFakeBoldText = glyph.bold
            paint.textSkewX = if (glyph.italic) -0.25f else 0f
            // Wide characters are scaled to their two cells.
            val natural = paint.measureText(glyph.text)
            val target = glyph.width * cellWidth
            paint.textScaleX = if (natural > target * 1.05f && natural > 0f) target / natural else 1f
            canvas.drawText(glyph.text, left, top + baseline, paint)
            paint.textScaleX = 1f
        }
        if (glyph.underline) {
            fill.color = if (glyph.predicted) PREDICTED else glyph.foreground
            val y = top + cellHeight - maxOf(1f, cellHeight / 14f)
            canvas.drawRect(left, y, right, y + maxOf(1f, cellHeight / 14f), fill)
        }
    }

    // Soft keyboard.

    override fun onCheckIsTextEditor(): Boolean = true

    override fun onCreateInputConnection(outAttrs: EditorInfo): InputConnection {
        outAttrs.inputType = InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_VARIATION_VISIBLE_PASSWORD or
            InputType.TYPE_TEXT_FLAG_NO_SUGGESTIONS
        outAttrs.imeOptions = EditorInfo.IME_FLAG_NO_FULLSCREEN or EditorInfo.IME_FLAG_NO_EXTRACT_UI
        return object : BaseInputConnection(this, false) {
            override fun commitText(text: CharSequence, newCursorPosition: Int): Boolean {
                onInput(keyBar.typed(text.toString()))
                return true
            }

            override fun deleteSurroundingText(beforeLength: Int, afterLength: Int): Boolean {
                repeat(maxOf(1, beforeLength)) { onInput(KeyInput.Special(Key.Backspace)) }
                return true
            }

            override fun sendKeyEvent(event: KeyEvent): Boolean {
                if (event.action == KeyEvent.ACTION_DOWN) onKeyDown(event.keyCode, event)
                return true
            }
        }
    }

    /** Opens the soft keyboard. */
    fun showKeyboard() {
        requestFocus()
        context.getSystemService(InputMethodManager::class.java)?.showSoftInput(this, 0)
    }

    // Hardware keyboards.

    override fun onKeyDown(keyCode: Int, event: KeyEvent): Boolean {
        val input = HardwareKeys.map(keyCode, event.isShiftPressed, event.isAltPressed, event.isCtrlPressed, event.unicodeChar)
            ?: return super.onKeyDown(keyCode, event)
        onInput(input)
        return true
    }

    // Touch: tap for the keyboard, long press to paste, pinch for the font size, swipes.

    private val scale = ScaleGestureDetector(context, object : ScaleGestureDetector.SimpleOnScaleGestureListener() {
        override fun onScale(detector: ScaleGestureDetector): Boolean {
            fontSizePx *= detector.scaleFactor
            return true
        }
    })

    private val gestures = GestureDetector(context, object : GestureDetector.SimpleOnGestureListener() {
        override fun onDown(e: MotionEvent): Boolean {
            startSwipe()
            return true
        }

        override fun onSingleTapUp(e: MotionEvent): Boolean {
            showKeyboard()
            return true
        }

        override fun onLongPress(e: MotionEvent) {
            paste()
        }

        override fun onScroll(e1: MotionEvent?, e2: MotionEvent, distanceX: Float, distanceY: Float): Boolean {
            swipe(distanceY, e2.x, e2.y)
            return true
        }
    })

    /** Pastes the clipboard's text (bracketed by the library when the program asked). */
    fun paste() {
        val clip = context.getSystemService(ClipboardManager::class.java)?.primaryClip ?: return
        if (clip.itemCount == 0) return
        val text = clip.getItemAt(0).coerceToText(context).toString()
        if (text.isNotEmpty()) onInput(KeyInput.Paste(text))
    }

    override fun onTouchEvent(event: MotionEvent): Boolean {
        scale.onTouchEvent(event)
        if (!scale.isInProgress) gestures.onTouchEvent(event)
        return true
    }

    private companion object {
        const val CURSOR = 0xFFE0E0E0.toInt()
        const val PREDICTED = 0xFF4FC3F7.toInt()
    }
}

/** Android key codes → the library's keys. */
object HardwareKeys {
    fun map(keyCode: Int, shift: Boolean, alt: Boolean, ctrl: Boolean, unicodeChar: Int): KeyInput? {
        val mods = KeyModifiers(shift = shift, alt = alt, ctrl = ctrl)
        val key = when (keyCode) {
            KeyEvent.KEYCODE_DPAD_UP -> Key.Up
            KeyEvent.KEYCODE_DPAD_DOWN -> Key.Down
            KeyEvent.KEYCODE_DPAD_LEFT -> Key.Left
            KeyEvent.KEYCODE_DPAD_RIGHT -> Key.Right
            KeyEvent.KEYCODE_MOVE_HOME -> Key.Home
            KeyEvent.KEYCODE_MOVE_END -> Key.End
            KeyEvent.KEYCODE_PAGE_UP -> Key.PageUp
            KeyEvent.KEYCODE_PAGE_DOWN -> Key.PageDown
            KeyEvent.KEYCODE_INSERT -> Key.Insert
            KeyEvent.KEYCODE_FORWARD_DEL -> Key.Delete
            KeyEvent.KEYCODE_DEL -> Key.Backspace
            KeyEvent.KEYCODE_TAB -> Key.Tab
            KeyEvent.KEYCODE_ENTER, KeyEvent.KEYCODE_NUMPAD_ENTER -> Key.Enter
            KeyEvent.KEYCODE_ESCAPE -> Key.Escape
            in KeyEvent.KEYCODE_F1..KeyEvent.KEYCODE_F12 -> Key.Function((keyCode - KeyEvent.KEYCODE_F1 + 1).toUByte())
            else -> null
        }
        if (key != null) return KeyInput.Special(key, mods)
        if (unicodeChar == 0) return null
        val text = String(Character.toChars(unicodeChar))
        return if (ctrl || alt) KeyInput.Special(Key.Character(text), mods) else KeyInput.Text(text)
    }
}
