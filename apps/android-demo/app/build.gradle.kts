// The demo APK: app/src/main (Activity, views, Keystore store, network monitor) plus the
// Android-free core/src/main (SSH bootstrap, controller, styled lines), on the library
// module :mosh (bindings/kotlin). Platform classes only, no AndroidX.
plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "dev.moshmobile.demo"
    compileSdk = 35
    defaultConfig {
        applicationId = "dev.moshmobile.demo"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The ABIs :mosh builds libmosh_ffi.so for; nothing else is packaged.
        ndk { abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64") }
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin", "../core/src/main/kotlin")
    // MainActivityTest under Robolectric, with the binding's test helpers (a throwaway sshd,
    // the servers); the core's JUnit 5 tests run in the Maven build (core/pom.xml).
    sourceSets["test"].java.srcDirs("src/test/kotlin", "../../../bindings/kotlin/src/test/kotlin/dev/moshmobile/mosh/testing")
    sourceSets["test"].resources.srcDirs("src/test/resources")
    testOptions {
        unitTests {
            isIncludeAndroidResources = true
            all { test ->
                val workspace = rootDir.resolve("../..").canonicalPath
                // The helpers start the servers from the Cargo workspace, and JNA loads the
                // host's libmosh_ffi.so (cargo build -p mosh-ffi --lib) from it.
                test.systemProperty("mosh.repo", workspace)
                test.systemProperty("jna.library.path", "$workspace/target/debug")
            }
        }
    }
    buildTypes {
        release {
            isMinifyEnabled = true
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"), "proguard-rules.pro")
        }
    }
}

kotlin {
    compilerOptions { jvmTarget.set(org.jetbrains.kotlin.gradle.dsl.JvmTarget.JVM_17) }
}

dependencies {
    implementation(project(":mosh"))
    implementation("com.github.mwiede:jsch:2.28.8")
    // Ed25519 keys for JSch on Android (the platform's JCA has no EdDSA).
    implementation("org.bouncycastle:bcprov-jdk18on:1.80")
    implementation("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.10.2")

    testImplementation("junit:junit:4.13.2")
    testImplementation("org.robolectric:robolectric:4.16")
    testImplementation("org.jetbrains.kotlin:kotlin-test-junit:2.3.21")
    // JNA's jar (the AAR has only Android's native parts) to load the host library.
    testImplementation("net.java.dev.jna:jna:5.19.1")
}
