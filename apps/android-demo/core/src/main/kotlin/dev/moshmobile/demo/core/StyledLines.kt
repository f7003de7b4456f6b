package dev.moshmobile.demo.core

import dev.moshmobile.ffi.Color
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.ScreenRow

/** One character cell group to draw: where, what, and in which resolved colours (ARGB). */
data class Glyph(
    val column: Int,
    /** Cells covered: 2 for a wide character. */
    val width: Int,
    val text: String,
    val foreground: Int,
    val background: Int,
    val bold: Boolean,
    val italic: Boolean,
    /** Underlined: the remote program asked for it, or the cell is a local prediction. */
    val underline: Boolean,
    val predicted: Boolean,
)

/** A row ready to draw, and the cursor. */
data class StyledScreen(val columns: Int, val lines: List<List<Glyph>>, val cursorRow: Int, val cursorColumn: Int, val cursorVisible: Boolean)

/** Colours a view draws with. */
data class Palette(val foreground: Int = 0xFFD0D0D0.toInt(), val background: Int = 0xFF101010.toInt()) {
    /** The xterm 256-colour palette entry [index] as ARGB. */
    fun indexed(index: Int): Int = when {
        index < 16 -> ANSI[index]
        index < 232 -> {
            val i = index - 16
            val level = { v: Int -> if (v == 0) 0 else 55 + v * 40 }
            argb(level(i / 36), level((i / 6) % 6), level(i % 6))
        }
        else -> (8 + (index - 232) * 10).let { argb(it, it, it) }
    }

    fun resolve(color: Color, default: Int): Int = when (color) {
        is Color.Default -> default
        is Color.Indexed -> indexed(color.index.toInt())
        is Color.Rgb -> argb(color.red.toInt(), color.green.toInt(), color.blue.toInt())
    }

    companion object {
        fun argb(r: Int, g: Int, b: Int): Int = (0xFF shl 24) or (r shl 16) or (g shl 8) or b

        private val ANSI = intArrayOf(
            argb(0, 0, 0), argb(205, 0, 0), argb(0, 205, 0), argb(205, 205, 0),
            argb(0, 0, 238), argb(205, 0, 205), argb(0, 205, 205), argb(229, 229, 229),
            argb(127, 127, 127), argb(255, 0, 0), argb(0, 255, 0), argb(255, 255, 0),
            argb(92, 92, 255), argb(255, 0, 255), argb(0, 255, 255), argb(255, 255, 255),
        )
    }
}

/**
 * The library's [Screen] (rows of styled runs) as glyphs a Canvas draws one by one:
 * colours resolved, inverse applied, invisible text blanked, predicted cells underlined,
 * and each character placed in its own cell(s) so wide characters take two.
 */
object StyledLines {
    fun from(screen: Screen, palette: Palette = Palette()): StyledScreen = StyledScreen(
        screen.columns.toInt(), screen.rows.map { line(it, palette) },
        screen.cursor.row.toInt(), screen.cursor.column.toInt(), screen.cursor.visible,
    )

    /** One row (of the screen or the scrollback) as glyphs. */
    fun line(row: ScreenRow, palette: Palette = Palette()): List<Glyph> = row.runs.flatMap { run ->
        val style = run.style
        var fg = palette.resolve(style.foreground, palette.foreground)
        var bg = palette.resolve(style.background, palette.background)
        if (style.inverse) fg = bg.also { bg = fg }
        if (style.invisible) fg = bg
        val characters = graphemes(run.text)
        val widths = characters.map { cellWidth(it) }
        // The library's width is the truth; if our guess disagrees, spread evenly.
        val fitted = if (widths.sum() == run.width.toInt()) widths
        else List(characters.size) { maxOf(1, run.width.toInt() / maxOf(1, characters.size)) }
        var column = run.column.toInt()
        characters.mapIndexed { i, text ->
            Glyph(column, fitted[i], text, fg, bg, style.bold, style.italic,
                style.underline || run.predicted, run.predicted).also { column += fitted[i] }
        }
    }

    /** Splits [text] into characters, keeping combining marks with their base. */
    fun graphemes(text: String): List<String> {
        val out = mutableListOf<String>()
        var i = 0
        while (i < text.length) {
            val cp = text.codePointAt(i)
            val len = Character.charCount(cp)
            val type = Character.getType(cp)
            val combining = type == Character.NON_SPACING_MARK.toInt() || type == Character.ENCLOSING_MARK.toInt() ||
                cp == 0x200D || cp in 0xFE00..0xFE0F
            if (combining && out.isNotEmpty()) out[out.size - 1] += text.substring(i, i + len)
            else out += text.substring(i, i + len)
            i += len
        }
        return out
    }

    /** 2 for East Asian wide and emoji characters, 1 otherwise. */
    fun cellWidth(character: String): Int {
        val cp = character.codePointAt(0)
        val wide = cp in 0x1100..0x115F || cp in 0x2E80..0x303E || cp in 0x3041..0x33FF ||
            cp in 0x3400..0x4DBF || cp in 0x4E00..0x9FFF || cp in 0xA000..0xA4CF ||
            cp in 0xAC00..0xD7A3 || cp in 0xF900..0xFAFF || cp in 0xFE30..0xFE4F ||
            cp in 0xFF00..0xFF60 || cp in 0xFFE0..0xFFE6 || cp in 0x1F300..0x1F64F ||
            cp in 0x1F900..0x1F9FF || cp in 0x20000..0x3FFFD
        return if (wide) 2 else 1
    }
}
