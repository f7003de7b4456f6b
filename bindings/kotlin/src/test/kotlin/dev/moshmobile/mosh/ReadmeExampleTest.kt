package dev.moshmobile.mosh

import dev.moshmobile.mosh.testing.MoshServer
import dev.moshmobile.mosh.testing.Peers
import java.io.File
import kotlinx.coroutines.runBlocking
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

class ReadmeExampleTest {
    @Test
    fun `the README example connects from MOSH CONNECT output`() = runBlocking<Unit> {
        MoshServer.ours().use { server ->
            val screen = helloMosh("127.0.0.1", server.output)
            assertTrue(screen.lines().any { it.trim() == "hello from mosh" }, screen)
        }
    }

    @Test
    fun `the README shows the example as compiled here`() {
        val source = File(Peers.repo, "bindings/kotlin/src/test/kotlin/dev/moshmobile/mosh/ReadmeExample.kt").readText()
        val example = source.substringAfter("// README-EXAMPLE-START\n").substringBefore("// README-EXAMPLE-END")
        val readme = File(Peers.repo, "bindings/kotlin/README.md").readText()
        assertTrue(example.trim() in readme, "bindings/kotlin/README.md must quote ReadmeExample.kt verbatim")
    }
}
