package dev.moshmobile.mosh

import dev.moshmobile.ffi.ConnectConfig
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.ffi.SavedSession
import dev.moshmobile.ffi.SessionKey
import dev.moshmobile.ffi.ServerCommandOptions
import dev.moshmobile.ffi.parseConnect
import dev.moshmobile.ffi.serverCommand
import dev.moshmobile.ffi.version
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Test

/** Typed errors for bad input, and the bootstrap helpers, through JNA. */
class BadInputTest {
    private val key = "4NeCCgvZFe2RnPgrcU1PQw"

    @Test
    fun `parseConnect finds and validates the line`() {
        val info = parseConnect("\r\nMOSH CONNECT 60001 $key\r\n[mosh-server detached, pid = 1]\n")
        assertEquals(60001, info.port.toInt())
        assertEquals(SessionKey.parse(key), info.key)
        // Printing what parseConnect returned never shows the key.
        assertTrue(key !in info.toString(), info.toString())
        assertTrue(info.key.fingerprint() in info.toString(), info.toString())
        assertTrue(key !in ConnectConfig("h", 1u, info.key, 80u, 24u, MoshSession.DEFAULT_OPTIONS).toString())
        assertFailsWith<MoshException.NoConnectLine> { parseConnect("mosh-server: command not found") }
        assertFailsWith<MoshException.InvalidKey> { parseConnect("MOSH CONNECT 60001 short") }
    }

    @Test
    fun `serverCommand quotes what runs over SSH`() {
        val command = serverCommand(ServerCommandOptions(server = "/opt/my mosh/mosh-server", command = listOf("/bin/sh")))
        assertTrue(command.startsWith("'/opt/my mosh/mosh-server' 'new' "), command)
        for (part in listOf("'-s'", "'-c' '256'", "'-l' 'LANG=C.UTF-8'")) assertTrue(part in command, command)
        assertTrue(command.endsWith("'--' '/bin/sh'"), command)
        assertTrue(version().library.isNotEmpty())
    }

    @Test
    fun `bad connect arguments and snapshots are typed errors`() = runBlocking<Unit> {
        assertFailsWith<MoshException.InvalidPort> { MoshSession.connect("127.0.0.1", 0, key) }
        assertFailsWith<MoshException.InvalidKey> { MoshSession.connect("127.0.0.1", 60001, "not a key") }
        assertFailsWith<MoshException.InvalidSize> { MoshSession.connect("127.0.0.1", 60001, key, columns = 0) }
        assertFailsWith<MoshException.SnapshotForeign> {
            MoshSession.restore(SavedSession("not a secret".encodeToByteArray(), ByteArray(0)))
        }
        // Out of range for the library's types: still its error type, never an
        // IllegalArgumentException a `catch (e: MoshException)` misses.
        assertFailsWith<MoshException.InvalidPort> { MoshSession.connect("127.0.0.1", 70000, key) }
        assertFailsWith<MoshException.InvalidPort> { MoshSession.connect("127.0.0.1", -1, key) }
        assertFailsWith<MoshException.InvalidSize> { MoshSession.connect("127.0.0.1", 60001, key, rows = -3) }
        assertFailsWith<MoshException.InvalidSize> { MoshSession.connect("127.0.0.1", 60001, key, columns = 70000) }
    }
}
