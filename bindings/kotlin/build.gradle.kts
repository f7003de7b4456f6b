// The Android library: the generated Kotlin + the thin layer, JNA, and libmosh_ffi.so
// for arm64-v8a, armeabi-v7a and x86_64 built by cargo-ndk from the Rust workspace two
// levels up. Needs the Android SDK + NDK, Rust with the three Android targets, and
// `cargo install cargo-ndk`. Not built on the machine this was written on (see README).
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

val workspace = projectDir.resolve("../..")
val abis = listOf("arm64-v8a", "armeabi-v7a", "x86_64")
val jniOut = layout.buildDirectory.dir("jniLibs")

android {
    namespace = "dev.moshmobile.mosh"
    compileSdk = 35
    defaultConfig {
        minSdk = 24
        consumerProguardFiles("consumer-rules.pro")
        ndk { abiFilters += abis }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].apply {
        // The layer, and the Android flavour of the generated code as scripts/gen-bindings.sh
        // writes it (objects released through a cleaner that exists at every API level;
        // src/jvm is the desktop JVM's).
        java.srcDirs("src/main/kotlin", "src/android/kotlin")
        jniLibs.srcDir(jniOut)
    }
}

kotlin {
    compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) }
}

dependencies {
    // Both appear in the public API (Flow; the generated code's JNA types).
    api("net.java.dev.jna:jna:5.19.1@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
    // @RequiresApi on the generated code's API-34 cleaner.
    implementation("androidx.annotation:annotation:1.9.1")
}

// libmosh_ffi.so per ABI: build/jniLibs/<abi>/libmosh_ffi.so.
val cargoNdk by tasks.registering(Exec::class) {
    workingDir = workspace
    val args = mutableListOf("cargo", "ndk")
    abis.forEach { args += listOf("-t", it) }
    args += listOf("-o", jniOut.get().asFile.path, "build", "--release", "-p", "mosh-ffi", "--lib")
    commandLine(args)
}

tasks.named("preBuild") { dependsOn(cargoNdk) }
