package dev.moshmobile.mosh

import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.MouseAction
import dev.moshmobile.ffi.MouseEncoding
import dev.moshmobile.ffi.MouseEvent
import dev.moshmobile.ffi.MouseTracking
import dev.moshmobile.ffi.ScrollTarget
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/** A swipe as wheel events scrolls `less --mouse` through our server; the modes say when to send them. */
class MouseTest {
    private fun MoshSession.topLine(): String = screen.text.lineSequence().first().trim()

    private fun MoshSession.waitUntil(what: String, condition: () -> Boolean) {
        val deadline = System.nanoTime() + 20_000_000_000
        while (!condition()) {
            check(System.nanoTime() < deadline) { "no $what:\n${screen.text}" }
            Thread.sleep(5)
        }
    }

    private fun wheel(action: MouseAction) = MouseEvent(action, 10u, 10u, KeyModifiers())

    @Test
    fun `wheel events scroll less, and a shell gets nothing`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            MoshSession.connect("127.0.0.1", server.port, server.key).use { session ->
                session.waitForText("$")
                assertEquals(MouseTracking.OFF, session.screen.modes.mouseTracking)
                session.sendMouse(wheel(MouseAction.WheelDown))
                assertEquals(ScrollTarget.SCROLLBACK, session.scroll(-3, 10, 10))
                session.typeLine("seq -f 'row %g' 1 500 > /tmp/kt-mouse-$$; less --mouse /tmp/kt-mouse-$$")
                session.waitUntil("less with the mouse") {
                    session.screen.modes.mouseTracking != MouseTracking.OFF && session.topLine() == "row 1"
                }
                assertEquals(MouseEncoding.SGR, session.screen.modes.mouseEncoding)
                repeat(5) { session.sendMouse(wheel(MouseAction.WheelDown)) }
                session.waitUntil("a scroll") { session.topLine() != "row 1" }
                // Until every wheel step has been applied.
                var settled = session.topLine()
                while (true) {
                    Thread.sleep(300)
                    val now = session.topLine()
                    if (now == settled) break
                    settled = now
                }
                val scrolled = settled.removePrefix("row ").toInt()
                assertTrue(scrolled > 1)
                // A swipe goes to less too, back towards the start.
                assertEquals(ScrollTarget.PROGRAM, session.scroll(-2, 10, 10))
                session.waitUntil("a swipe back") { session.topLine().removePrefix("row ").toInt() < scrolled }
                session.type("q")
                session.waitUntil("the mouse off again") { session.screen.modes.mouseTracking == MouseTracking.OFF }
                session.typeLine("rm -f /tmp/kt-mouse-$$")
                session.shutdown()
            }
        }
    }
}
