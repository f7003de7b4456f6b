package dev.moshmobile.demo.core

import dev.moshmobile.ffi.OutputMode
import dev.moshmobile.ffi.PredictionMode
import dev.moshmobile.ffi.SessionOptions
import dev.moshmobile.mosh.MoshSession
import dev.moshmobile.mosh.testing.ImpairProxy
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/** Screen → glyphs, from a real session's screen. */
class StyledLinesTest {
    private val palette = Palette()

    /** The glyph [text] on the output row (the one starting with "ARUIXB", not the command line). */
    private fun StyledScreen.glyphAt(text: String): Glyph {
        val row = lines.firstOrNull { line -> line.joinToString("") { it.text }.startsWith("ARUIXB") }
            ?: error("no output row in ${lines.map { l -> l.joinToString("") { it.text } }}")
        return row.firstOrNull { it.text == text } ?: error("no glyph $text in the output row")
    }

    @Test
    fun `colours, bold, underline, inverse and wide characters from a real screen`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            MoshSession.connect("127.0.0.1", server.connectInfo).use { session ->
                session.waitForText("$")
                session.typeLine(
                    "printf 'A\\033[1;31mR\\033[0;4mU\\033[0;7mI\\033[0;38;5;196mX\\033[0;48;2;1;2;3mB\\033[m中文Z\\n'; echo do''ne",
                )
                session.waitForText("\ndone")
                val styled = StyledLines.from(session.screen, palette)
                assertEquals(80, styled.columns)
                val red = styled.glyphAt("R")
                assertTrue(red.bold)
                assertEquals(palette.indexed(1), red.foreground)
                assertTrue(styled.glyphAt("U").underline)
                val inverse = styled.glyphAt("I")
                assertEquals(palette.foreground, inverse.background)
                assertEquals(palette.background, inverse.foreground)
                assertEquals(Palette.argb(255, 0, 0), styled.glyphAt("X").foreground)
                assertEquals(Palette.argb(1, 2, 3), styled.glyphAt("B").background)
                val zhong = styled.glyphAt("中")
                val wen = styled.glyphAt("文")
                assertEquals(2, zhong.width)
                assertEquals(zhong.column + 2, wen.column)
                assertEquals(wen.column + 2, styled.glyphAt("Z").column)
                assertEquals(styled.glyphAt("A").column + 8, styled.glyphAt("Z").column - 2)
                assertTrue(styled.cursorVisible)
            }
        }
    }

    @Test
    fun `predicted cells are underlined`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            ImpairProxy(server.port, 250).use { proxy ->
                val options = SessionOptions(PredictionMode.ALWAYS, false, OutputMode.SCREEN)
                MoshSession.connect("127.0.0.1", proxy.port, server.key, options = options).use { session ->
                    session.waitForText("$")
                    session.type("echo ")
                    session.waitForText("echo ")
                    Thread.sleep(300)
                    session.type("Q")
                    val deadline = System.nanoTime() + 5_000_000_000
                    var glyph: Glyph?
                    do {
                        glyph = StyledLines.from(session.screen, palette).lines.flatten().firstOrNull { it.text == "Q" }
                        check(System.nanoTime() < deadline) { "no Q drawn" }
                    } while (glyph == null)
                    assertTrue(glyph.predicted, "drawn before the server's echo (250 ms away) as a prediction")
                    assertTrue(glyph.underline)
                }
            }
        }
    }

    @Test
    fun `palette and character widths`() {
        assertEquals(Palette.argb(0, 0, 0), palette.indexed(16))
        assertEquals(Palette.argb(255, 255, 255), palette.indexed(231))
        assertEquals(Palette.argb(238, 238, 238), palette.indexed(255))
        assertEquals(listOf("e\u0301", "x"), StyledLines.graphemes("e\u0301x"))
        assertEquals(2, StyledLines.cellWidth("中"))
        assertEquals(1, StyledLines.cellWidth("a"))
    }
}
