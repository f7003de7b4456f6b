package dev.moshmobile.mosh

import dev.moshmobile.ffi.Color
import dev.moshmobile.ffi.ConnectConfig
import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.Key
import dev.moshmobile.ffi.KeyModifiers
import dev.moshmobile.ffi.ListenerException
import dev.moshmobile.ffi.Session
import dev.moshmobile.ffi.SessionListener
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.collectEvents
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicReference
import kotlin.concurrent.thread
import kotlin.test.assertEquals
import kotlin.test.assertNotNull
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/** The Kotlin layer and the generated API against our mosh-server on loopback. */
class OurServerTest {
    @Test
    fun `an IPv6 literal, keys encoded by the library, styled runs`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            MoshSession.connect("::1", server.connectInfo).use { session ->
                session.waitForText("$")
                session.typeLine("printf '\\033[1;31mred\\033[m plain\\n'; echo v6''ok")
                session.waitForText("v6ok")
                val red = session.screen.rows.flatMap { it.runs }.first { it.text.startsWith("red") }
                assertTrue(red.style.bold)
                assertEquals(Color.Indexed(1u), red.style.foreground)

                session.type("echo abc")
                session.sendKey(Key.Left)
                session.sendKey(Key.Character("c"), KeyModifiers(ctrl = true))
                session.waitForText("^C")
            }
        }
    }

    /** Throws from every event: the generated callback reports it, the library logs it. */
    private class Throwing(private val unexpected: Boolean) : SessionListener {
        val calls = AtomicInteger()
        override fun onEvent(event: Event) {
            calls.incrementAndGet()
            if (unexpected) throw IllegalStateException("listener throws") else throw ListenerException.Failed("declared")
        }
    }

    @Test
    fun `a listener that throws does not end the session`() = runBlocking<Unit> {
        for (unexpected in listOf(true, false)) {
            // A server each: a second fresh connect under one key is ignored by the server.
            MoshServer.ours().use { server ->
                val listener = Throwing(unexpected)
                val session = Session.connect(
                    ConnectConfig("127.0.0.1", server.port.toUShort(), server.connectInfo.key, 80u, 24u, MoshSession.DEFAULT_OPTIONS),
                )
                val subscription = session.subscribe(listener)
                val deadline = System.nanoTime() + 20_000_000_000
                fun waitFor(needle: String) {
                    while (needle !in session.screen().text) {
                        check(System.nanoTime() < deadline) { "$needle not on screen:\n${session.screen().text}" }
                        Thread.sleep(2)
                    }
                }
                waitFor("$")
                session.sendInput("seq 1 2000; echo thrown''$unexpected\r".encodeToByteArray())
                waitFor("thrown$unexpected")
                assertTrue(listener.calls.get() > 0, "the listener was called")
                session.shutdown()
                subscription.close()
                session.close()
            }
        }
    }

    @Test
    fun `a thousand calls from eight threads`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            MoshSession.connect("127.0.0.1", server.connectInfo).use { session ->
                session.waitForText("$")
                val failure = AtomicReference<Throwable>()
                val start = CountDownLatch(1)
                val threads = (0 until 8).map { t ->
                    thread(name = "caller-$t") {
                        try {
                            start.await()
                            for (i in 0 until 125) {
                                when ((t + i) % 6) {
                                    0 -> session.sendInput(ByteArray(0))
                                    1 -> assertTrue(session.screen.rows.isNotEmpty())
                                    2 -> session.status
                                    3 -> session.resize(80 + i % 3, 24)
                                    4 -> assertTrue(runBlocking { session.snapshot() }.state.isNotEmpty())
                                    else -> session.networkChanged()
                                }
                            }
                        } catch (e: Throwable) {
                            failure.compareAndSet(null, e)
                        }
                    }
                }
                start.countDown()
                threads.forEach { it.join(60_000) }
                failure.get()?.let { throw AssertionError("a call failed", it) }
                session.resize(80, 24)
                session.typeLine("echo still''here")
                session.waitForText("stillhere")
            }
        }
    }

    @Test
    fun `vt output events for an app's own terminal widget`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            val options = MoshSession.DEFAULT_OPTIONS.copy(output = dev.moshmobile.ffi.OutputMode.BOTH)
            MoshSession.connect("127.0.0.1", server.connectInfo, options = options).use { session ->
                val bytes = java.io.ByteArrayOutputStream()
                val seen = CountDownLatch(1)
                val collector = session.collectEvents { event ->
                    if (event is Event.VtOutput) {
                        synchronized(bytes) { bytes.write(event.bytes) }
                        if ("vt" + "ok" in synchronized(bytes) { bytes.toString(Charsets.UTF_8) }) seen.countDown()
                    }
                }
                session.waitForText("$")
                session.typeLine("echo vt''ok")
                session.waitForText("vtok")
                assertTrue(seen.await(20, TimeUnit.SECONDS), "the VT stream carried the output")
                collector.cancel()
                assertNotNull(synchronized(bytes) { bytes.size() }.takeIf { it > 0 })
            }
        }
    }
}

