package dev.moshmobile.mosh.testing

import dev.moshmobile.ffi.ConnectInfo
import dev.moshmobile.ffi.parseConnect
import dev.moshmobile.mosh.MoshSession
import dev.moshmobile.mosh.text
import java.io.File
import java.net.InetSocketAddress
import java.net.ServerSocket
import java.net.Socket
import java.nio.file.Files
import java.util.concurrent.TimeUnit
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.TimeSource

/**
 * The peers the end-to-end tests run against, all real programs on loopback: our
 * `mosh-server`, Debian's stock `mosh-server`, the impairment proxy `mosh-impair`, and a
 * throwaway `sshd`. A missing program fails the test (never skips it).
 */
object Peers {
    /** How long one step on loopback may take. */
    val WAIT: Duration = 20.seconds

    /** The Cargo workspace (surefire sets `mosh.repo`). */
    val repo: File by lazy {
        val path = System.getProperty("mosh.repo")
            ?: error("system property mosh.repo (the Cargo workspace) is not set")
        File(path).canonicalFile
    }

    /** A program built into the workspace's `target/debug`, or a failure saying how to build it. */
    fun built(name: String, howToBuild: String): File {
        val file = File(repo, "target/debug/$name")
        check(file.canExecute()) { "$file missing: run `$howToBuild` first (scripts/test-kotlin.sh does)" }
        return file
    }

    /** A program on PATH (or in the usual Debian places), or a failure naming the package. */
    fun installed(name: String, debianPackage: String): File {
        val dirs = (System.getenv("PATH") ?: "").split(File.pathSeparator) + listOf("/usr/sbin", "/usr/bin")
        return dirs.map { File(it, name) }.firstOrNull { it.canExecute() }
            ?: error("$name not found: install Debian's $debianPackage package (scripts/test-kotlin.sh does)")
    }

    fun ourServerBinary(): File = built("mosh-server", "cargo build -p mosh-server")

    fun stockServerBinary(): File = installed("mosh-server", "mosh").also {
        check(!it.canonicalPath.startsWith(repo.path)) { "expected the stock mosh-server, found $it" }
    }

    fun freeTcpPort(): Int = ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).use { it.localPort }
}

/** Polls `screen()` until its text contains [needle]; returns how long it took. */
fun MoshSession.waitForText(needle: String, limit: Duration = Peers.WAIT): Duration {
    val start = TimeSource.Monotonic.markNow()
    while (true) {
        val text = screen.text
        if (needle in text) return start.elapsedNow()
        check(start.elapsedNow() < limit) { "\"$needle\" not on screen within $limit:\n$text" }
        Thread.sleep(2)
    }
}

/** Types [line] and Enter. */
fun MoshSession.typeLine(line: String) = type("$line\r")

/**
 * A detached `mosh-server new` session (stock or ours) running `/bin/sh` with
 * `LANG=C.UTF-8 SHELL=/bin/sh PS1='$ '`; its daemon is killed on [close].
 */
class MoshServer private constructor(
    /** What `mosh-server new` printed on stdout (the `MOSH CONNECT` line among it). */
    val output: String,
    val connectInfo: ConnectInfo,
    val pid: Long,
) : AutoCloseable {
    val port: Int get() = connectInfo.port.toInt()
    /** The printable key, as the server printed it (to pass to another process). */
    val key: String get() = Regex("MOSH CONNECT \\d+ (\\S+)").find(output)!!.groupValues[1]

    override fun close() {
        ProcessHandle.of(pid).ifPresent { it.destroyForcibly() }
    }

    companion object {
        /** Our server; dual stack ([::]), so `::1` and `127.0.0.1` both reach it. */
        fun ours(): MoshServer = start(Peers.ourServerBinary(), listOf("new", "-p", "0", "--", "/bin/sh"))

        /** Debian's stock mosh-server (mosh 1.4) on 127.0.0.1. */
        fun stock(): MoshServer =
            start(Peers.stockServerBinary(), listOf("new", "-i", "127.0.0.1", "-p", "0", "--", "/bin/sh"))

        private fun start(binary: File, args: List<String>): MoshServer {
            val builder = ProcessBuilder(listOf(binary.path) + args)
            builder.environment().putAll(mapOf("LANG" to "C.UTF-8", "SHELL" to "/bin/sh", "PS1" to "$ "))
            builder.redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
            val process = builder.start()
            // The parent exits once the daemon has detached and released stdout/stderr.
            val stdout = process.inputStream.bufferedReader().readText()
            val stderr = process.errorStream.bufferedReader().readText()
            check(process.waitFor(10, TimeUnit.SECONDS)) { "$binary did not return" }
            check(process.exitValue() == 0) { "$binary failed: $stdout $stderr" }
            val pid = Regex("""\[mosh-server detached, pid = (\d+)]""").find(stderr)?.groupValues?.get(1)
                ?: error("no detached pid in $stderr")
            // The same parser the apps use.
            return MoshServer(stdout, parseConnect(stdout), pid.toLong())
        }
    }
}

/**
 * `mosh-impair` (the workspace's impairment proxy) in front of a UDP [upstream] port on
 * 127.0.0.1, [delayMs] each way, optionally a blackout of [blackoutSecs] starting
 * [blackoutAtSecs] after start. Reports its counters every 0.5 s.
 */
class ImpairProxy(
    upstream: Int,
    delayMs: Int,
    blackoutAtSecs: Double? = null,
    blackoutSecs: Double? = null,
) : AutoCloseable {
    private val process: Process
    private val reports = mutableListOf<String>()

    /** When the proxy started (its blackout clock). */
    val started = TimeSource.Monotonic.markNow()

    /** The port clients send to. */
    val port: Int

    init {
        val args = mutableListOf(
            Peers.built("mosh-impair", "cargo build -p mosh-netem --bin mosh-impair").path,
            "--listen", "127.0.0.1:0", "--upstream", "127.0.0.1:$upstream",
            "--delay-ms", "$delayMs", "--report-secs", "0.5",
        )
        if (blackoutAtSecs != null && blackoutSecs != null) {
            args += listOf("--blackout-at-secs", "$blackoutAtSecs", "--blackout-secs", "$blackoutSecs")
        }
        process = ProcessBuilder(args).redirectErrorStream(true).start()
        val lines = process.inputStream.bufferedReader()
        val first = lines.readLine() ?: error("mosh-impair exited: ${args.joinToString(" ")}")
        port = Regex("""listening on .*:(\d+)$""").find(first)?.groupValues?.get(1)?.toInt()
            ?: error("unexpected first line from mosh-impair: $first")
        Thread({ lines.forEachLine { line -> synchronized(reports) { reports += line } } }, "mosh-impair-out")
            .apply { isDaemon = true }.start()
    }

    /** Client datagrams relayed upstream, as of the newest report (≤ 0.5 s old). */
    fun upDatagrams(): Long {
        val line = synchronized(reports) { reports.lastOrNull() } ?: return 0
        return Regex("""up: (\d+) datagrams""").find(line)?.groupValues?.get(1)?.toLong() ?: 0
    }

    override fun close() {
        process.destroyForcibly()
        process.waitFor(5, TimeUnit.SECONDS)
    }
}

/**
 * A throwaway OpenSSH `sshd` on 127.0.0.1 with fresh host and user keys (ed25519),
 * key authentication only, for the current user. Killed on [close].
 */
class Sshd : AutoCloseable {
    val dir: File = Files.createTempDirectory("mosh-kotlin-sshd").toFile()
    val port: Int = Peers.freeTcpPort()
    val userKey: File = File(dir, "user_key")
    val user: String = System.getProperty("user.name")
    private val process: Process

    init {
        val sshd = Peers.installed("sshd", "openssh-server")
        // sshd's privilege separation needs this directory.
        File("/run/sshd").mkdirs()
        keygen(File(dir, "host_key"))
        keygen(userKey)
        File(dir, "user_key.pub").copyTo(File(dir, "authorized_keys"))
        File(dir, "sshd_config").writeText(
            """
            Port $port
            ListenAddress 127.0.0.1
            HostKey $dir/host_key
            AuthorizedKeysFile $dir/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PermitRootLogin prohibit-password
            StrictModes no
            PidFile $dir/sshd.pid
            """.trimIndent() + "\n",
        )
        process = ProcessBuilder(sshd.path, "-D", "-e", "-f", "$dir/sshd_config")
            .redirectInput(ProcessBuilder.Redirect.from(File("/dev/null")))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(File(dir, "sshd.log"))
            .start()
        val start = TimeSource.Monotonic.markNow()
        while (!listening()) {
            check(process.isAlive) { "sshd exited: ${File(dir, "sshd.log").readText()}" }
            check(start.elapsedNow() < 10.seconds) { "sshd did not start listening" }
            Thread.sleep(50)
        }
    }

    /** The host's public key line (`ssh-ed25519 AAAA…`), for a known-hosts check. */
    val hostPublicKey: String get() = File(dir, "host_key.pub").readText().trim()

    private fun listening(): Boolean = try {
        Socket().use { it.connect(InetSocketAddress("127.0.0.1", port), 200); true }
    } catch (_: java.io.IOException) {
        false
    }

    private fun keygen(path: File) {
        val keygen = Peers.installed("ssh-keygen", "openssh-client")
        val status = ProcessBuilder(keygen.path, "-q", "-t", "ed25519", "-N", "", "-f", path.path)
            .inheritIO().start().waitFor()
        check(status == 0) { "ssh-keygen failed" }
    }

    override fun close() {
        process.destroyForcibly()
        process.waitFor(5, TimeUnit.SECONDS)
        dir.deleteRecursively()
    }
}

/**
 * Calls [onEvent] with this session's events on the library's event threads until the
 * returned subscription is cancelled (its first events say what a new view needs).
 */
fun MoshSession.collectEvents(onEvent: (dev.moshmobile.ffi.Event) -> Unit): dev.moshmobile.ffi.Subscription =
    subscribe(onEvent)

/**
 * A UDP relay on 127.0.0.1 in front of [upstream] that models the phone's network path as
 * a NAT: each client address (socket) gets its own upstream socket, so the server sees a
 * new source address only when a datagram arrives from a new client socket.
 * [killCurrentPath] makes the current client socket's path dead, as when Wi-Fi goes away:
 * its datagrams are dropped and the server's replies to that path go nowhere.
 * `networkChanged()` opens a fresh socket: a new path.
 */
class PathRelay(upstream: Int) : AutoCloseable {
    private val front = java.net.DatagramSocket(InetSocketAddress("127.0.0.1", 0))
    private val upstreamAddress = InetSocketAddress("127.0.0.1", upstream)
    private val paths = java.util.concurrent.ConcurrentHashMap<java.net.SocketAddress, java.net.DatagramSocket>()
    private val dead = java.util.concurrent.ConcurrentHashMap.newKeySet<java.net.SocketAddress>()
    @Volatile private var current: java.net.SocketAddress? = null
    @Volatile private var running = true

    /** The port clients send to. */
    val port: Int = front.localPort

    init {
        Thread({
            val buffer = ByteArray(65536)
            while (running) {
                val packet = java.net.DatagramPacket(buffer, buffer.size)
                try { front.receive(packet) } catch (_: java.io.IOException) { break }
                val client = packet.socketAddress
                if (client in dead) continue
                current = client
                val path = paths.computeIfAbsent(client) { openPath(it) }
                path.send(java.net.DatagramPacket(packet.data, packet.length, upstreamAddress))
            }
        }, "path-relay-up").apply { isDaemon = true }.start()
    }

    private fun openPath(client: java.net.SocketAddress): java.net.DatagramSocket {
        val socket = java.net.DatagramSocket(InetSocketAddress("127.0.0.1", 0))
        Thread({
            val buffer = ByteArray(65536)
            while (running) {
                val packet = java.net.DatagramPacket(buffer, buffer.size)
                try { socket.receive(packet) } catch (_: java.io.IOException) { break }
                if (client in dead) continue
                front.send(java.net.DatagramPacket(packet.data, packet.length, client))
            }
        }, "path-relay-down").apply { isDaemon = true }.start()
        return socket
    }

    /** The client's current path stops working (both directions). */
    fun killCurrentPath() {
        current?.let { dead += it }
    }

    override fun close() {
        running = false
        front.close()
        paths.values.forEach { it.close() }
    }
}
