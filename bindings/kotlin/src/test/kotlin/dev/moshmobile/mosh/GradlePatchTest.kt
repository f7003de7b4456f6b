package dev.moshmobile.mosh

import dev.moshmobile.mosh.testing.Peers
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertTrue
import org.junit.jupiter.api.Test

/**
 * The Gradle build (not runnable here) patches the generated Kotlin with the same two
 * regular expressions as the Maven build: applied here, they must produce exactly the
 * file Maven compiled and these tests ran.
 */
class GradlePatchTest {
    @Test
    fun `build gradle kts patches the generated file as Maven does`() {
        val gradle = File(Peers.repo, "bindings/kotlin/build.gradle.kts").readText()
        val patterns = Regex("Regex\\(\"\"\"(.*?)\"\"\"\\)").findAll(gradle).map { it.groupValues[1] }.toList()
        assertEquals(2, patterns.size, "two Regex literals in build.gradle.kts")
        var text = File(Peers.repo, "bindings/kotlin/src/main/kotlin/dev/moshmobile/ffi/mosh_ffi.kt").readText()
        // The replacements as written in build.gradle.kts.
        assertTrue("\"override val `message`: kotlin.String\${it.groupValues[1]}) : \${it.groupValues[2]}() {\"" in gradle)
        assertTrue(".replaceFirst(text, \"\")" in gradle)
        text = Regex(patterns[0]).replace(text) { "override val `message`: kotlin.String${it.groupValues[1]}) : ${it.groupValues[2]}() {" }
        text = Regex(patterns[1]).replaceFirst(text, "")
        val maven = File(Peers.repo, "bindings/kotlin/target/generated-sources/uniffi/dev/moshmobile/ffi/mosh_ffi.kt").readText()
        assertEquals(maven, text)
    }
}
