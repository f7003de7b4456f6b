package dev.moshmobile.mosh

import dev.moshmobile.ffi.Event
import dev.moshmobile.ffi.OutputMode
import dev.moshmobile.ffi.PredictionMode
import dev.moshmobile.ffi.Screen
import dev.moshmobile.ffi.SessionOptions
import dev.moshmobile.mosh.testing.ImpairProxy
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.collectEvents
import dev.moshmobile.mosh.testing.waitForText
import java.util.concurrent.atomic.AtomicReference
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/**
 * The JVM-side time from a keystroke call ([MoshSession.type]) to the [Event.ScreenChanged]
 * collected from the Flow whose screen shows that key as a prediction, with the server
 * 250 ms away (one way), so only the local prediction can show it that early.
 */
class PredictionLatencyTest {
    /** Whether [screen]'s cursor row ends with [typed] just left of the cursor, drawn as a prediction. */
    private fun showsPrediction(screen: Screen, typed: String): Boolean {
        val row = screen.rows.getOrNull(screen.cursor.row.toInt()) ?: return false
        val column = screen.cursor.column.toInt() - 1
        val run = row.runs.firstOrNull { column >= it.column.toInt() && column < it.column.toInt() + it.width.toInt() }
            ?: return false
        return run.predicted && row.text.substring(0, minOf(row.text.length, screen.cursor.column.toInt())).endsWith(typed)
    }

    @Test
    fun `keystroke to predicted screen event`() = runBlocking<Unit> {
        MoshServer.stock().use { server ->
            ImpairProxy(server.port, 250).use { proxy ->
                val options = SessionOptions(PredictionMode.ALWAYS, false, OutputMode.SCREEN)
                MoshSession.connect("127.0.0.1", proxy.port, server.key, options = options).use { session ->
                    session.waitForText("$")
                    session.type("echo ")
                    session.waitForText("echo ")
                    val samples = mutableListOf<Long>()
                    var typed = "echo "
                    val pending = AtomicReference<Pair<String, Long>?>(null)
                    val done = java.util.concurrent.LinkedBlockingQueue<Long>()
                    val collector = session.collectEvents { event ->
                        val waiting = pending.get() ?: return@collectEvents
                        if (event is Event.ScreenChanged && showsPrediction(session.screen, waiting.first)) {
                            if (pending.compareAndSet(waiting, null)) done.put(System.nanoTime() - waiting.second)
                        }
                    }
                    for (c in "abcdefghijklmnopqrstuvwxyz0123456789") {
                        typed += c
                        val start = System.nanoTime()
                        pending.set(typed to start)
                        session.type(c.toString())
                        val elapsed = done.poll(5, java.util.concurrent.TimeUnit.SECONDS)
                            ?: error("no screen event showed the prediction of '$c':\n${session.screen.text}")
                        samples += elapsed
                        Thread.sleep(60)
                    }
                    collector.cancel()
                    val micros = samples.map { it / 1_000 }.sorted()
                    val median = micros[micros.size / 2]
                    val p90 = micros[(micros.size * 9) / 10]
                    println("RESULT keystroke -> ScreenChanged showing the prediction (JVM, subscribed listener): " +
                        "median ${median} µs, p90 ${p90} µs, max ${micros.last()} µs over ${micros.size} keys (server 250 ms one-way)")
                    assertEquals(36, samples.size)
                    assertTrue(median < 250_000, "predictions must show before the server's echo could")
                    session.waitForText(typed)
                }
            }
        }
    }
}
