package dev.moshmobile.mosh

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.mosh.testing.ImpairProxy
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import java.lang.ref.WeakReference
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Test

/** Lifetimes the app controls, through the Kotlin layer against our server on loopback. */
class LifetimeTest {
    /** Connects, waits for the prompt, and forgets the session: only a weak reference is left. */
    private fun connectAndForget(port: Int, key: String): WeakReference<MoshSession> = runBlocking {
        val session = MoshSession.connect("127.0.0.1", port, key)
        session.waitForText("$")
        WeakReference(session)
    }

    @Test
    fun `a session nobody references stops sending after a garbage collection`() {
        MoshServer.ours().use { server ->
            ImpairProxy(server.port, 0).use { proxy ->
                val forgotten = connectAndForget(proxy.port, server.key)
                val deadline = System.nanoTime() + 20_000_000_000
                while (forgotten.get() != null) {
                    check(System.nanoTime() < deadline) { "the session was never collected" }
                    System.gc()
                    Thread.sleep(50)
                }
                // The Cleaner frees the native session; the proxy reports every 0.5 s.
                Thread.sleep(1_500)
                val sent = proxy.upDatagrams()
                assertTrue(sent > 0, "the proxy counted the session's datagrams")
                // Longer than two heartbeat intervals (3 s) of a live session.
                Thread.sleep(7_000)
                assertEquals(sent, proxy.upDatagrams(), "datagrams sent after the session was collected")
            }
        }
    }

    @Test
    fun `detach keeps the remote shell for its snapshot, and a late collector gets the whole screen`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            val session = MoshSession.connect("127.0.0.1", server.port, server.key)
            session.waitForText("$")
            session.typeLine("marker=kept''here; echo \$marker")
            session.waitForText("kepthere")
            // A collector that starts now still sees every row at once.
            val first = withTimeout(5_000) { session.events.first() }
            assertTrue(first is Event.ScreenChanged && first.rows.size == 24, "first event: $first")
            val snapshot = session.detach()
            assertEquals(CloseReason.DETACHED, withTimeout(5_000) { session.awaitClosed() })
            assertFailsWith<MoshException.SessionClosed> { session.type("x") }
            session.shutdown() // harmless after the end
            session.close()

            MoshSession.restore(snapshot).use { resumed ->
                resumed.typeLine("echo again-\$marker")
                resumed.waitForText("again-kepthere")
                resumed.shutdown()
                assertEquals(CloseReason.CLOSED, withTimeout(20_000) { resumed.awaitClosed() })
            }
        }
    }
}
