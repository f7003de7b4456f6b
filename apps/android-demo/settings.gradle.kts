// The demo app's Gradle build (for users with the Android SDK + NDK, Rust and cargo-ndk).
// The Maven build beside it (pom.xml) compiles and tests the same sources on the JVM.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
    plugins {
        id("com.android.application") version "8.7.3"
        id("com.android.library") version "8.7.3"
        // The Kotlin of the Maven builds (pom.xml), so one compiler is tested and shipped.
        id("org.jetbrains.kotlin.android") version "2.3.21"
    }
}
dependencyResolutionManagement {
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "mosh-android-demo"
include(":app")
include(":mosh")
project(":mosh").projectDir = file("../../bindings/kotlin")
