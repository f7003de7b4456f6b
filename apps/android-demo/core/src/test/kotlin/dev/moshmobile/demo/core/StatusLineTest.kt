package dev.moshmobile.demo.core

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ConnectionState
import dev.moshmobile.ffi.Status
import kotlin.test.assertEquals
import kotlin.test.assertNull
import org.junit.jupiter.api.Test

/** The native status line says what mosh's notification bar would, and the scrollback viewport. */
class StatusLineTest {
    private fun running(
        state: ConnectionState,
        lastContactMs: ULong? = null,
        lastReplyMs: ULong? = null,
        dropped: ULong = 0u,
        background: Boolean = false,
        title: String = "",
    ) = UiState(
        UiState.Phase.RUNNING,
        Status(
            state = state, lastContactMs = lastContactMs, rttMs = 42u, background = background,
            datagramsSent = 0u, datagramsReceived = 0u, bytesSent = 0u, bytesReceived = 0u,
            datagramsUnauthentic = 0u, lastReplyMs = lastReplyMs, inputWaiting = 0u, inputDroppedBytes = dropped,
        ),
        title = title,
    )

    @Test
    fun `the facts the bar showed`() {
        assertEquals("Connected · RTT 42 ms", StatusLine.format(running(ConnectionState.Connected, lastReplyMs = 2_000u)))
        assertEquals(
            "Typing not reaching the server · last reply 12 s ago",
            StatusLine.format(running(ConnectionState.Connected, lastReplyMs = 12_300u)),
        )
        assertEquals(
            "Last contact 7 s ago · reconnecting",
            StatusLine.format(running(ConnectionState.Waiting, lastContactMs = 7_900u)),
        )
        assertEquals(
            "Connected · RTT 42 ms · 131072 bytes of input dropped",
            StatusLine.format(running(ConnectionState.Connected, dropped = 131_072u)),
        )
        assertEquals("Paused in the background", StatusLine.format(running(ConnectionState.Waiting, background = true)))
        assertEquals("vim — Connected · RTT 42 ms", StatusLine.format(running(ConnectionState.Connected, title = "vim")))
        assertEquals(
            "Session ended (the shell exited)",
            StatusLine.format(running(ConnectionState.Closed(CloseReason.SERVER_EXITED))),
        )
        val failedSave = running(ConnectionState.Connected).copy(message = "Could not save the session: disk full")
        assertEquals("Connected · RTT 42 ms · Could not save the session: disk full", StatusLine.format(failedSave))
    }

    @Test
    fun `clipboard writes become text only when they are UTF-8`() {
        assertEquals(Alert.Copy("é copied"), Alert.copy("é copied".encodeToByteArray()))
        assertNull(Alert.copy(byteArrayOf(0xC3.toByte(), 0x28)))
    }

    @Test
    fun `the viewport keeps its lines while old ones go, and goes live at the screen`() {
        val view = ScrollbackViewport()
        assertEquals(ScrollbackViewport.Window(500, 0, 24), view.window(0, 500, 24))
        view.scroll(-10, first = 0, end = 500)
        assertEquals(490L, view.top)
        assertEquals(ScrollbackViewport.Window(490, 10, 14), view.window(0, 500, 24))
        // 100 more lines arrive and 100 old ones go: the same lines stay in view.
        assertEquals(ScrollbackViewport.Window(490, 24, 0), view.window(100, 600, 24))
        // Swiping past the oldest held stops there; lines that went are skipped.
        view.scroll(-1_000, first = 100, end = 600)
        assertEquals(100L, view.top)
        assertEquals(ScrollbackViewport.Window(150, 24, 0), view.window(150, 650, 24))
        // Forward to the screen: live again.
        view.scroll(1_000, first = 150, end = 650)
        assertEquals(null, view.top)
        view.scroll(-3, first = 0, end = 10)
        view.follow()
        assertEquals(true, view.live)
    }
}
