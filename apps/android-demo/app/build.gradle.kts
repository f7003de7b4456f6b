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
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    sourceSets["main"].java.srcDirs("src/main/kotlin", "../core/src/main/kotlin")
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
}
