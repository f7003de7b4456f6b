package dev.moshmobile.demo

import android.os.Build
import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import dev.moshmobile.demo.core.SnapshotStore
import dev.moshmobile.ffi.SavedSession
import java.io.File
import java.nio.ByteBuffer
import java.security.GeneralSecurityException
import java.security.KeyStore
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/**
 * A saved session in two app-private files: the small secret (54 bytes: it unlocks the
 * state, which holds the session key) encrypted with AES-256-GCM under a key that never
 * leaves the Android Keystore, and the state as the library sealed it (ciphertext already).
 * A secret that no longer decrypts (key invalidated, file damaged) deletes both and reads as
 * none; a state that does not belong to the secret is refused by the library at restore.
 *
 * Secret file: "MOSHSKEY", IV length, IV, ciphertext+tag. The state is written first and
 * the secret last, each to a temporary file renamed into place, so a process killed
 * mid-write leaves the previous pair or a new state with the previous secret (which the
 * library refuses as StateMismatch, never misreads).
 */
class KeystoreSnapshotStore(
    private val secretFile: File,
    private val stateFile: File,
    private val key: () -> SecretKey = ::keystoreKey,
) : SnapshotStore {
    override fun save(saved: SavedSession) {
        val cipher = Cipher.getInstance(TRANSFORMATION)
        cipher.init(Cipher.ENCRYPT_MODE, key())
        val iv = cipher.iv
        val sealed = cipher.doFinal(saved.secret)
        val secret = ByteBuffer.allocate(MAGIC.size + 1 + iv.size + sealed.size)
            .put(MAGIC).put(iv.size.toByte()).put(iv).put(sealed).array()
        replace(stateFile, saved.state)
        replace(secretFile, secret)
    }

    override fun load(): SavedSession? {
        if (!secretFile.exists() || !stateFile.exists()) return null
        return try {
            val data = ByteBuffer.wrap(secretFile.readBytes())
            val magic = ByteArray(MAGIC.size).also { data.get(it) }
            require(magic.contentEquals(MAGIC)) { "not a secret file" }
            val iv = ByteArray(data.get().toInt()).also { data.get(it) }
            val sealed = ByteArray(data.remaining()).also { data.get(it) }
            val cipher = Cipher.getInstance(TRANSFORMATION)
            cipher.init(Cipher.DECRYPT_MODE, key(), GCMParameterSpec(128, iv))
            SavedSession(cipher.doFinal(sealed), stateFile.readBytes())
        } catch (e: Exception) {
            when (e) {
                is GeneralSecurityException, is IllegalArgumentException, is java.nio.BufferUnderflowException,
                is NegativeArraySizeException -> {
                    clear()
                    null
                }
                else -> throw e
            }
        }
    }

    override fun clear() {
        secretFile.delete()
        stateFile.delete()
    }

    private fun replace(file: File, bytes: ByteArray) {
        val temporary = File(file.path + ".tmp")
        temporary.writeBytes(bytes)
        if (!temporary.renameTo(file)) {
            temporary.delete()
            error("cannot store the session in $file")
        }
    }

    companion object {
        private const val TRANSFORMATION = "AES/GCM/NoPadding"
        private const val ALIAS = "mosh-session-snapshot"
        private val MAGIC = "MOSHSKEY".toByteArray()

        /**
         * The app's AES key in the Android Keystore, created on first use: usable only while
         * the device is unlocked (API 28+), in StrongBox where the device has one.
         */
        fun keystoreKey(): SecretKey {
            val keyStore = KeyStore.getInstance("AndroidKeyStore").apply { load(null) }
            (keyStore.getKey(ALIAS, null) as? SecretKey)?.let { return it }
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                try {
                    return generate(keySpec(strongBox = true))
                } catch (e: StrongBoxUnavailableException) {
                    // No StrongBox on this device: the TEE-backed keystore below.
                }
            }
            return generate(keySpec(strongBox = false))
        }

        private fun generate(spec: KeyGenParameterSpec): SecretKey {
            val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, "AndroidKeyStore")
            generator.init(spec)
            return generator.generateKey()
        }

        private fun keySpec(strongBox: Boolean): KeyGenParameterSpec {
            val builder = KeyGenParameterSpec.Builder(ALIAS, KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT)
                .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
                .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
                .setKeySize(256)
            if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.P) {
                builder.setUnlockedDeviceRequired(true).setIsStrongBoxBacked(strongBox)
            }
            return builder.build()
        }
    }
}
