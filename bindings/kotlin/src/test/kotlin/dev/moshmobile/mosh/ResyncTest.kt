package dev.moshmobile.mosh

import dev.moshmobile.mosh.testing.ImpairProxy
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.PathRelay
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import kotlinx.coroutines.runBlocking
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource
import org.junit.jupiter.api.Test

/**
 * `networkChanged()` and a minute in the background, through the impairment proxy at
 * 250 ms one-way (500 ms RTT) in front of the stock server, with a ticker on the screen so
 * every new server state shows. Resync times are printed.
 */
class ResyncTest {
    private val oneWay = 250.milliseconds
    private val rtt = oneWay * 2

    private fun MoshSession.startTicker() {
        waitForText("$")
        typeLine("i=0; while [ \$i -lt 100000 ]; do i=\$((i+1)); printf '\\rtick %d ' \$i; sleep 0.1; done")
        waitForText("tick ")
    }

    private fun MoshSession.tick(): Long? {
        val text = screen.text
        val at = text.lastIndexOf("tick ")
        if (at < 0) return null
        return text.substring(at + 5).trim().split(Regex("\\s+")).firstOrNull()?.toLongOrNull()
    }

    /** Waits until the ticker passes [after]; returns how long it took. */
    private fun MoshSession.waitForTickAfter(after: Long): Duration {
        val start = TimeSource.Monotonic.markNow()
        while ((tick() ?: -1) <= after) {
            check(start.elapsedNow() < 20.seconds) { "the ticker did not move on:\n${screen.text}" }
            Thread.sleep(1)
        }
        return start.elapsedNow()
    }

    /**
     * The phone's path dies (the client's socket is black-holed by a [PathRelay] in front of
     * the 250 ms proxy) and a new one appears. One session is told with networkChanged(),
     * which opens a fresh socket and sends at once; the other is not told. Both are timed.
     */
    @Test
    fun `networkChanged moves to a new path within one round trip plus a server frame`() = runBlocking<Unit> {
        MoshServer.stock().use { serverA ->
            MoshServer.stock().use { serverB ->
                ImpairProxy(serverA.port, oneWay.inWholeMilliseconds.toInt()).use { proxyA ->
                    ImpairProxy(serverB.port, oneWay.inWholeMilliseconds.toInt()).use { proxyB ->
                        PathRelay(proxyA.port).use { pathA ->
                            PathRelay(proxyB.port).use { pathB ->
                                MoshSession.connect("127.0.0.1", pathA.port, serverA.key).use { told ->
                                    MoshSession.connect("127.0.0.1", pathB.port, serverB.key).use { untold ->
                                        told.startTicker()
                                        untold.startTicker()
                                        pathB.killCurrentPath()
                                        val untoldBefore = untold.tick() ?: 0
                                        val frozenSince = TimeSource.Monotonic.markNow()
                                        // Read within the first sample, well before the untold client's
                                        // own port hop (10 s without a round trip) can find a new path.
                                        var untoldMid: Long? = null
                                        val samples = (1..3).map {
                                            pathA.killCurrentPath()
                                            // Long enough for in-flight datagrams to land and both sides to back off.
                                            Thread.sleep(3_000)
                                            val before = told.tick() ?: 0
                                            told.networkChanged()
                                            told.waitForTickAfter(before).also {
                                                if (untoldMid == null) untoldMid = untold.tick() ?: 0
                                            }
                                        }
                                        println("RESULT networkChanged -> new screen over a new path (old path dead for 3 s), stock server, " +
                                            "one-way delay $oneWay (RTT $rtt): ${samples.map { it.inWholeMilliseconds }} ms")
                                        // One round trip, plus the server's wait for its next frame (at most 250 ms), plus
                                        // scheduling slack on a busy machine.
                                        for (resync in samples) {
                                            assertTrue(resync <= rtt + 350.milliseconds, "screen updated $resync after networkChanged (RTT $rtt)")
                                        }
                                        val untoldAfter = untold.tick() ?: 0
                                        println("RESULT without networkChanged the other session's ticker was frozen " +
                                            "while the told one resynchronized, and is " +
                                            "${if (untoldAfter > untoldBefore) "moving again (its own port hop)" else "still frozen"} " +
                                            "after ${frozenSince.elapsedNow().inWholeSeconds} s")
                                        assertTrue(untoldMid == untoldBefore, "the untold session cannot use the dead path")
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    fun `networkChanged with our server`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            ImpairProxy(server.port, oneWay.inWholeMilliseconds.toInt()).use { proxy ->
                PathRelay(proxy.port).use { path ->
                    MoshSession.connect("127.0.0.1", path.port, server.key).use { session ->
                        session.startTicker()
                        val samples = (1..3).map {
                            path.killCurrentPath()
                            Thread.sleep(3_000)
                            val before = session.tick() ?: 0
                            session.networkChanged()
                            session.waitForTickAfter(before)
                        }
                        println("RESULT networkChanged -> new screen over a new path (old path dead for 3 s), our server, " +
                            "one-way delay $oneWay (RTT $rtt): ${samples.map { it.inWholeMilliseconds }} ms")
                        for (resync in samples) {
                            assertTrue(resync <= rtt + 350.milliseconds, "screen updated $resync after networkChanged (RTT $rtt)")
                        }
                    }
                }
            }
        }
    }

    @Test
    fun `a minute in the background sends nothing, and foreground resyncs within one round trip`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            ImpairProxy(server.port, oneWay.inWholeMilliseconds.toInt()).use { proxy ->
                MoshSession.connect("127.0.0.1", proxy.port, server.key).use { session ->
                    session.startTicker()
                    val snapshot = session.enterBackground()
                    assertTrue(snapshot.state.isNotEmpty() && snapshot.secret.size <= 1024)
                    assertTrue(session.status.background)
                    Thread.sleep(1_500) // in-flight datagrams land; the proxy reports every 0.5 s
                    val sent = proxy.upDatagrams()
                    assertTrue(sent > 0, "the proxy counted the session's datagrams")
                    Thread.sleep(60_000)
                    assertEquals(sent, proxy.upDatagrams(), "datagrams sent while in the background")
                    val before = session.tick() ?: 0
                    session.enterForeground()
                    val resync = session.waitForTickAfter(before)
                    println("RESULT enterForeground after 60 s in the background -> new screen: ${resync.inWholeMilliseconds} ms (one-way delay $oneWay, RTT $rtt)")
                    assertTrue(resync <= rtt + 200.milliseconds, "screen updated $resync after enterForeground (RTT $rtt)")
                    assertTrue(!session.status.background)
                }
            }
        }
    }
}
