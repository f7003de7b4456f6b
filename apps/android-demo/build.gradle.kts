// The root build: the Android Gradle plugin and Kotlin's are put on the build classpath
// here, once, for both modules (:app and the library :mosh). Declared in each module
// alone, Gradle loads them in two class loaders and refuses ("the plugin was loaded
// multiple times in different subprojects"). Versions: settings.gradle.kts.
plugins {
    id("com.android.application") apply false
    id("com.android.library") apply false
    id("org.jetbrains.kotlin.android") apply false
}
