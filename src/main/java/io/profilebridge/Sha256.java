package io.profilebridge;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of text in UTF-8: the one digest behind keys, row ids, result names and key fingerprints. */
public final class Sha256 {

    private Sha256() {}

    /** The digest as 64 lower-case hex digits, as the job store keeps key and body hashes. */
    public static String hex(String text) {
        return HexFormat.of().formatHex(of(text));
    }

    /** The digest's first 8 bytes as a number: the id of a shared store's row named by {@code text}. */
    public static long rowId(String text) {
        return ByteBuffer.wrap(of(text)).getLong();
    }

    public static byte[] of(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
