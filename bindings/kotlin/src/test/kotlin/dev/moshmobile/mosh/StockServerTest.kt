package dev.moshmobile.mosh

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ConnectionState
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import kotlinx.coroutines.flow.filterIsInstance
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertIs
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/** The Kotlin layer against Debian's stock mosh-server (mosh 1.4) on loopback. */
class StockServerTest {
    @Test
    fun `connect by name, type and read back, resize, close`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            val session = MoshSession.connect("localhost", server.connectInfo)
            // Events as a Flow: a screen change with rows arrives once the shell prompts.
            val changed = async(start = CoroutineStart.UNDISPATCHED) {
                session.events.filterIsInstance<Event.ScreenChanged>().first { it.rows.isNotEmpty() }
            }
            session.waitForText("$")
            withTimeout(20_000) { changed.await() }
            val connected = withTimeout(20_000) { session.statuses.first { it.state == ConnectionState.Connected } }
            assertEquals(false, connected.background)

            session.typeLine("echo hel''lo")
            // The screens Flow: the current screen, then one per change.
            withTimeout(20_000) { session.screens.first { screen -> screen.rows.any { it.text.trim() == "hello" } } }

            session.resize(100, 30)
            session.typeLine("stty size")
            session.waitForText("30 100")
            assertEquals(100, session.screen.columns.toInt())
            assertEquals(30, session.screen.rows.size)

            session.shutdown()
            assertEquals(CloseReason.CLOSED, withTimeout(20_000) { session.awaitClosed() })
            session.close()
            assertTrue(session.session.uniffiIsDestroyed)
        }
    }

    @Test
    fun `calls after close fail with SessionClosed`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            val session = MoshSession.connect("127.0.0.1", server.port, server.key)
            session.waitForText("$")
            session.shutdown()
            assertEquals(CloseReason.CLOSED, withTimeout(20_000) { session.awaitClosed() })
            assertFailsWith<MoshException.SessionClosed> { session.type("x") }
            assertFailsWith<MoshException.SessionClosed> { session.resize(80, 24) }
            assertFailsWith<MoshException.SessionClosed> { session.snapshot() }
            val state = session.status.state
            assertIs<ConnectionState.Closed>(state)
            assertEquals(CloseReason.CLOSED, state.reason)
            // Shutting down again is harmless.
            session.shutdown()
            session.close()
        }
    }

    @Test
    fun `lines that scroll off are in the scrollback`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            val session = MoshSession.connect("127.0.0.1", server.port, server.key)
            session.waitForText("$")
            val added = async(start = CoroutineStart.UNDISPATCHED) {
                session.events.filterIsInstance<Event.ScrollbackAdded>().first()
            }
            session.typeLine("seq 1 60 | while read i; do echo line\$i; sleep 0.02; done")
            session.waitForText("line60")
            assertTrue(withTimeout(20_000) { added.await() }.added > 0u)
            withTimeout(20_000) {
                while (session.recentScrollback(1).firstOrNull()?.text?.trim() != "line37") {
                    kotlinx.coroutines.delay(20)
                }
            }
            val all = session.scrollback(0, Int.MAX_VALUE).rows.map { it.text.trim() }
            assertEquals(session.scrollbackSize, all.size.toLong())
            assertEquals((1..37).map { "line$it" }, all.filter { it.startsWith("line") })
            session.shutdown()
            session.awaitClosed()
            session.close()
        }
    }
}
