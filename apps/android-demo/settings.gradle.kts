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
        id("org.jetbrains.kotlin.android") version "2.1.0"
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
