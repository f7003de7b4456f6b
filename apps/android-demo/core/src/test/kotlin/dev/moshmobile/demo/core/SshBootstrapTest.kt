package dev.moshmobile.demo.core

import dev.moshmobile.ffi.CloseReason
import dev.moshmobile.ffi.ServerCommandOptions
import dev.moshmobile.mosh.MoshSession
import dev.moshmobile.mosh.testing.Peers
import dev.moshmobile.mosh.testing.Sshd
import dev.moshmobile.mosh.testing.typeLine
import dev.moshmobile.mosh.testing.waitForText
import java.io.File
import java.nio.file.Files
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * The demo's SSH bootstrap for real: a throwaway OpenSSH sshd on loopback, JSch logging in
 * with a private key, running the library's serverCommand() (our mosh-server by absolute
 * path), parseConnect() on its output, and a session over the result.
 */
class SshBootstrapTest {
    private val dir: File = Files.createTempDirectory("mosh-demo-known-hosts").toFile()
    private val options = ServerCommandOptions(server = Peers.ourServerBinary().path)

    private fun login(sshd: Sshd) = SshLogin("127.0.0.1", sshd.port, sshd.user, privateKey = sshd.userKey.readText())

    @Test
    fun `a MOSH CONNECT line never reaches an error message`() {
        val key = "AAECAwQFBgcICQoLDA0ODw"
        // A bad port and trailing words: the key is still valid for a live server.
        val output = "\r\nMOSH CONNECT 70000 $key\r\nmosh-server (mosh 1.4.0) [build mosh-rs]\nmosh connect 60001 $key extra\n"
        val shown = diagnostics(output)
        assertTrue(key !in shown, shown)
        assertTrue("mosh-server (mosh 1.4.0)" in shown, shown)
    }

    @Test
    fun `bootstrap over ssh, connect, type and read back`() = runBlocking<Unit> {
        Sshd().use { sshd ->
            val knownHosts = File(dir, "known_hosts")
            val info = SshBootstrap(knownHosts, options).start(login(sshd))
            assertTrue(info.port.toInt() > 0)
            // Trust on first use: the host key was recorded.
            val hostKey = sshd.hostPublicKey.split(" ")[1]
            assertTrue(hostKey in knownHosts.readText(), "host key recorded in known_hosts")
            MoshSession.connect("127.0.0.1", info).use { session ->
                session.waitForText("#") // root's login shell
                session.typeLine("echo over''ssh \$LANG")
                session.waitForText("overssh C.UTF-8")
                session.shutdown()
                assertEquals(CloseReason.CLOSED, withTimeout(20_000) { session.awaitClosed() })
            }
            // A second login with the recorded key works (and starts a second server).
            val again = SshBootstrap(knownHosts, options).start(login(sshd))
            MoshSession.connect("127.0.0.1", again).use { session ->
                session.waitForText("#")
                session.shutdown()
                withTimeout(20_000) { session.awaitClosed() }
            }
        }
        dir.deleteRecursively()
    }

    @Test
    fun `a changed host key, a wrong user key and a missing server are refused with the reason`() {
        Sshd().use { sshd ->
            // known_hosts says another key for this host: refused.
            val knownHosts = File(dir, "changed")
            val other = File(dir, "other_host_key")
            check(ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", other.path).start().waitFor() == 0)
            val otherKey = File(dir, "other_host_key.pub").readText().trim().split(" ")[1]
            knownHosts.writeText("[127.0.0.1]:${sshd.port} ssh-ed25519 $otherKey\n")
            val changed = assertFailsWith<BootstrapException> { SshBootstrap(knownHosts, options).start(login(sshd)) }
            assertTrue("has changed" in changed.message!!, changed.message)

            val fresh = File(dir, "fresh")
            val wrongUser = assertFailsWith<BootstrapException> {
                SshBootstrap(fresh, options).start(login(sshd).copy(privateKey = null, password = "not the password"))
            }
            assertTrue("SSH login" in wrongUser.message!!, wrongUser.message)

            val missing = assertFailsWith<BootstrapException> {
                SshBootstrap(fresh, ServerCommandOptions(server = "/nonexistent/mosh-server")).start(login(sshd))
            }
            assertTrue("no usable MOSH CONNECT" in missing.message!!, missing.message)
        }
        dir.deleteRecursively()
    }
}
