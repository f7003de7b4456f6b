package dev.moshmobile.demo.core

import com.jcraft.jsch.ChannelExec
import com.jcraft.jsch.JSch
import com.jcraft.jsch.JSchChangedHostKeyException
import com.jcraft.jsch.JSchException
import com.jcraft.jsch.JSchUnknownHostKeyException
import dev.moshmobile.ffi.ConnectInfo
import dev.moshmobile.ffi.MoshException
import dev.moshmobile.ffi.ServerCommandOptions
import dev.moshmobile.ffi.parseConnect
import dev.moshmobile.ffi.serverCommand
import java.io.ByteArrayOutputStream
import java.io.File
import java.io.InputStream

/** Where and how to log in over SSH. Password or private key (OpenSSH/PEM text). */
data class SshLogin(
    val host: String,
    val port: Int = 22,
    val user: String,
    val password: String? = null,
    val privateKey: String? = null,
    val passphrase: String? = null,
) {
    override fun toString() = "SshLogin($user@$host:$port)" // never the secrets
}

/** The SSH step failed: could not log in, or the server's answer had no usable `MOSH CONNECT`. */
class BootstrapException(message: String, cause: Throwable? = null) : Exception(message, cause)

/**
 * Starts `mosh-server new` over SSH (JSch) and returns its port and key: runs the command
 * line the library builds ([serverCommand]) and feeds everything the server printed to
 * the library's parser ([parseConnect]).
 *
 * Host keys: [knownHosts] is an OpenSSH known_hosts file. A host seen for the first time
 * is added to it (trust on first use, like OpenSSH's `StrictHostKeyChecking=accept-new`);
 * a changed key is refused.
 */
class SshBootstrap(
    private val knownHosts: File,
    private val options: ServerCommandOptions = ServerCommandOptions(),
    private val timeoutMillis: Int = 20_000,
) {
    /** Logs in, runs the server, returns what to connect to. Blocks: call it off the UI thread. */
    fun start(login: SshLogin): ConnectInfo {
        val jsch = JSch()
        knownHosts.parentFile?.mkdirs()
        if (!knownHosts.exists()) knownHosts.createNewFile()
        jsch.setKnownHosts(knownHosts.path)
        login.privateKey?.takeIf { it.isNotBlank() }?.let { key ->
            jsch.addIdentity("key", key.toByteArray(), null, login.passphrase?.toByteArray())
        }
        fun open() = jsch.getSession(login.user, login.host, login.port).apply {
            login.password?.takeIf { it.isNotEmpty() }?.let { setPassword(it.toByteArray()) }
            setConfig("StrictHostKeyChecking", "yes")
            setConfig("PreferredAuthentications", "publickey,keyboard-interactive,password")
        }
        val session = try {
            val first = open()
            try {
                first.connect(timeoutMillis)
                first
            } catch (e: JSchUnknownHostKeyException) {
                // First contact: remember the key (trust on first use), log in again.
                val key = first.hostKey ?: throw e
                jsch.hostKeyRepository.add(key, null)
                open().apply { connect(timeoutMillis) }
            }
        } catch (e: JSchChangedHostKeyException) {
            throw BootstrapException(
                "SSH host key of ${login.host}:${login.port} has changed (possible attack); " +
                    "remove it from known hosts only if you know why",
                e,
            )
        } catch (e: JSchException) {
            throw BootstrapException("SSH login to ${login.user}@${login.host}:${login.port} failed: ${e.message}", e)
        }
        try {
            val channel = session.openChannel("exec") as ChannelExec
            channel.setCommand(serverCommand(options))
            val stdout = channel.inputStream
            val stderr = channel.errStream
            channel.connect(timeoutMillis)
            // mosh-server prints MOSH CONNECT, detaches, and its parent exits.
            val out = ByteArrayOutputStream()
            val err = ByteArrayOutputStream()
            val deadline = System.nanoTime() + timeoutMillis * 1_000_000L
            while (true) {
                drain(stdout, out)
                drain(stderr, err)
                if (channel.isClosed) {
                    drain(stdout, out)
                    drain(stderr, err)
                    break
                }
                if (System.nanoTime() > deadline) throw BootstrapException("mosh-server did not finish within $timeoutMillis ms")
                Thread.sleep(20)
            }
            val exit = channel.exitStatus
            channel.disconnect()
            // String(bytes, charset), not ByteArrayOutputStream.toString(Charset) (API 33).
            val output = String(out.toByteArray(), Charsets.UTF_8) + "\n" + String(err.toByteArray(), Charsets.UTF_8)
            return try {
                parseConnect(output)
            } catch (e: MoshException) {
                throw BootstrapException(
                    "mosh-server (exit $exit) gave no usable MOSH CONNECT: ${e.message}\n${diagnostics(output)}",
                )
            }
        } finally {
            session.disconnect()
        }
    }

    private fun drain(input: InputStream, into: ByteArrayOutputStream) {
        val buffer = ByteArray(4096)
        while (input.available() > 0) {
            val n = input.read(buffer)
            if (n <= 0) break
            into.write(buffer, 0, n)
        }
    }
}

/**
 * What of `mosh-server`'s output may go into an error message: every line but one that
 * mentions MOSH CONNECT. A line with a bad port or trailing words still holds a valid key
 * of a live server (anyone who can reach its UDP port gets a shell), and messages end up
 * in logs and crash reports.
 */
fun diagnostics(output: String): String =
    output.lineSequence()
        .map { it.trimEnd('\r') }
        .filterNot { it.contains("CONNECT", ignoreCase = true) }
        .joinToString("\n")
        .trim()
