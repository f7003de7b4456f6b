package dev.moshmobile.mosh

// The README's "connect from MOSH CONNECT" example, verbatim between the markers;
// ReadmeExampleTest runs it against a real server.
// README-EXAMPLE-START
import dev.moshmobile.ffi.parseConnect
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.withTimeout

/** Connects with what `mosh-server new` printed over SSH, runs `echo`, returns the screen. */
suspend fun helloMosh(host: String, serverOutput: String): String {
    val connect = parseConnect(serverOutput) // MOSH CONNECT <port> <key>, validated
    MoshSession.connect(host, connect, columns = 80, rows = 24).use { session ->
        withTimeout(20_000) {
            // `screens`: the screen now, then after every change (collect it to draw).
            session.screens.first { screen -> "$" in screen.text } // the prompt
            session.type("echo hello from mosh\r")
            session.screens.first { screen ->
                screen.rows.any { row -> row.text.trim() == "hello from mosh" }
            }
        }
        val text = session.screen.text
        session.shutdown() // the remote shell ends; without it, close() would leave it for a snapshot
        return text
    } // use {}: close() releases the native session
}
// README-EXAMPLE-END
