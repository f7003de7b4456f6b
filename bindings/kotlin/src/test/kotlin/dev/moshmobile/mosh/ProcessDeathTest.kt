package dev.moshmobile.mosh

import dev.moshmobile.ffi.SavedSession
import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import java.io.File
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * A snapshot taken in one JVM, that JVM killed with SIGKILL, and a new JVM restoring the
 * snapshot and continuing the same shell (a variable set before the kill is still there);
 * also a snapshot taken in use after which the session went on, restored twice.
 */
class ProcessDeathTest {
    private fun childJvm(vararg args: String): Process {
        val java = File(System.getProperty("java.home"), "bin/java").path
        val classpath = System.getProperty("surefire.test.class.path") ?: System.getProperty("java.class.path")
        return ProcessBuilder(
            java, "-cp", classpath,
            "-Djna.library.path=${System.getProperty("jna.library.path")}",
            ChildJvm::class.java.name, *args,
        ).redirectErrorStream(true).start()
    }

    /** Echoes the child's lines until `marker`; fails (saying `what`) if it never comes. */
    private fun readUntil(child: Process, marker: String, what: String): java.io.BufferedReader {
        val out = child.inputStream.bufferedReader()
        var line: String?
        do {
            line = out.readLine()
            println("first JVM: $line")
        } while (line != null && line != marker)
        assertEquals(marker, line, what)
        return out
    }

    @Test
    fun `snapshot, kill the JVM, a new JVM restores and continues the same shell`() {
        MoshServer.ours().use { server ->
            val dir = Files.createTempDirectory("mosh-kotlin-snapshot").toFile()
            try {
                val file = File(dir, "snapshot")
                val first = childJvm("snapshot", "127.0.0.1", "${server.port}", server.key, file.path)
                readUntil(first, "SNAPSHOT-WRITTEN", "the first JVM wrote its snapshot")
                first.destroyForcibly() // SIGKILL: no shutdown hooks, no close
                assertTrue(first.waitFor(10, TimeUnit.SECONDS))
                assertEquals(137, first.exitValue(), "killed by SIGKILL")

                val second = childJvm("restore", file.path)
                val output = second.inputStream.bufferedReader().readText()
                assertTrue(second.waitFor(60, TimeUnit.SECONDS))
                println("second JVM:\n$output")
                assertEquals(0, second.exitValue(), output)
                assertTrue("RESTORED kept42" in output, output)
                assertTrue("CLOSED ${CloseReason.CLOSED}" in output, output)
            } finally {
                dir.deleteRecursively()
            }
        }
    }

    /**
     * The issue-28 case: `snapshot()` taken while the session is in use, the session goes on
     * for 4 s and the JVM is killed; a new JVM restores it (our server resumes any snapshot),
     * and a third JVM restores the same snapshot again.
     */
    @Test
    fun `a snapshot taken in use resumes after the session went on, twice`() {
        MoshServer.ours().use { server ->
            val dir = Files.createTempDirectory("mosh-kotlin-in-use").toFile()
            try {
                val file = File(dir, "snapshot")
                val first = childJvm("snapshot-in-use", "127.0.0.1", "${server.port}", server.key, file.path)
                readUntil(first, "WENT-ON", "the first JVM went on after its snapshot")
                first.destroyForcibly()
                assertTrue(first.waitFor(10, TimeUnit.SECONDS))
                repeat(2) { attempt ->
                    val restored = childJvm("restore", file.path, "keep")
                    val output = restored.inputStream.bufferedReader().readText()
                    assertTrue(restored.waitFor(60, TimeUnit.SECONDS))
                    println("restore ${attempt + 1}:\n$output")
                    assertEquals(0, restored.exitValue(), output)
                    assertTrue("RESTORED kept42" in output, output)
                }
            } finally {
                dir.deleteRecursively()
            }
        }
    }

    /**
     * A handoff: the first JVM saves its live session and goes on typing; a second JVM
     * restores the save. Our server follows the second, and the first ends with
     * `CloseReason.SUPERSEDED` (the resync extension).
     */
    @Test
    fun `a handoff to a second JVM supersedes the first`() {
        MoshServer.ours().use { server ->
            val dir = Files.createTempDirectory("mosh-kotlin-handoff").toFile()
            try {
                val file = File(dir, "snapshot")
                val first = childJvm("hold-and-type", "127.0.0.1", "${server.port}", server.key, file.path)
                val out = readUntil(first, "SNAPSHOT-WRITTEN", "the first JVM wrote its snapshot")
                val second = childJvm("restore", file.path, "keep")
                val output = second.inputStream.bufferedReader().readText()
                assertTrue(second.waitFor(60, TimeUnit.SECONDS))
                println("second JVM:\n$output")
                assertEquals(0, second.exitValue(), output)
                assertTrue("RESTORED kept42" in output, output)
                val rest = out.readText()
                assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the first JVM never ended")
                println("first JVM:\n$rest")
                assertTrue("CLOSED ${CloseReason.SUPERSEDED}" in rest, rest)
            } finally {
                dir.deleteRecursively()
            }
        }
    }
}

/** The child JVMs of [ProcessDeathTest]. */
object ChildJvm {
    @JvmStatic
    fun main(args: Array<String>) = runBlocking<Unit> {
        when (args[0]) {
            "snapshot" -> {
                val session = MoshSession.connect(args[1], args[2].toInt(), args[3])
                session.waitForText("$")
                session.typeLine("X=kept''42; echo set")
                session.waitForText("set")
                // The app goes to the background and stores the snapshot; then it is killed.
                val saved = session.enterBackground()
                // An app keeps the secret under a Keystore key; here both are files.
                File(args[4] + ".state").writeBytes(saved.state)
                File(args[4] + ".secret").writeBytes(saved.secret)
                println("SNAPSHOT-WRITTEN")
                System.out.flush()
                Thread.sleep(Long.MAX_VALUE)
            }
            "snapshot-in-use" -> {
                val session = MoshSession.connect(args[1], args[2].toInt(), args[3])
                session.waitForText("$")
                session.typeLine("X=kept''42; for i in 1 2 3 4 5 6 7 8; do echo tick\$i; sleep 0.5; done")
                session.waitForText("tick1")
                // Saved periodically while in use, as apps do; then the session goes on.
                val saved = session.snapshot()
                File(args[4] + ".state").writeBytes(saved.state)
                File(args[4] + ".secret").writeBytes(saved.secret)
                session.typeLine("echo typed''-after")
                session.waitForText("typed-after")
                session.waitForText("tick8")
                println("WENT-ON")
                System.out.flush()
                Thread.sleep(Long.MAX_VALUE)
            }
            "hold-and-type" -> {
                val session = MoshSession.connect(args[1], args[2].toInt(), args[3])
                session.waitForText("$")
                session.typeLine("X=kept''42; echo set")
                session.waitForText("set")
                val saved = session.snapshot()
                File(args[4] + ".state").writeBytes(saved.state)
                File(args[4] + ".secret").writeBytes(saved.secret)
                println("SNAPSHOT-WRITTEN")
                System.out.flush()
                // The phone goes on typing while the tablet takes over.
                val typing = launch {
                    while (true) {
                        session.sendInput("echo phone\r".toByteArray())
                        delay(200)
                    }
                }
                val reason = withTimeout(30_000) { session.awaitClosed() }
                typing.cancel()
                println("CLOSED $reason")
                System.out.flush()
                Runtime.getRuntime().halt(0)
            }
            "restore" -> {
                val saved = SavedSession(File(args[1] + ".secret").readBytes(), File(args[1] + ".state").readBytes())
                val session = MoshSession.restore(saved)
                session.typeLine("echo RESTORED \$X")
                session.waitForText("RESTORED kept42")
                println("RESTORED kept42")
                if (args.getOrNull(2) == "keep") {
                    // Killed like an app: the remote shell stays for the next restore.
                    System.out.flush()
                    Runtime.getRuntime().halt(0)
                }
                session.shutdown()
                println("CLOSED ${withTimeout(20_000) { session.awaitClosed() }}")
            }
            else -> error("unknown mode ${args[0]}")
        }
    }
}
