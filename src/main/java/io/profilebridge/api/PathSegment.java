package io.profilebridge.api;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes an id (a caller's {@code requestId}, a {@code profile_creation_id}, a profile id) as one URL path segment:
 * every byte of its UTF-8 form except RFC 3986's unreserved characters is percent-encoded, so {@code /}, {@code ?},
 * {@code #} and spaces stay inside the segment, and a segment of {@code .} or {@code ..} is written {@code %2E} /
 * {@code %2E%2E} so that no dot-segment removal can walk up the path. Hand-written because {@code URLEncoder} is
 * form encoding (a space becomes {@code +}) and Camel's encoders leave {@code /} alone.
 */
public final class PathSegment {

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    /**
     * The longest id, once encoded, that the bridge writes into a URL, a caller's key as an API's id: HTTP servers
     * commonly take request lines and headers of up to 8 KB, Camel's management server (/jobs/{key}) 4 KB, and a JMS
     * property (a key's) costs two bytes a character of the broker's 100 KiB message head. The store itself keeps a
     * key of any length (V11).
     */
    public static final int MAX_ENCODED_LENGTH = 4000;

    private PathSegment() {}

    /**
     * @throws IllegalArgumentException when the id is empty or is not valid Unicode (an unpaired surrogate), so no
     *                                  URL can name it
     */
    public static String encode(String id) {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("an empty id cannot name a resource in a URL path");
        }
        ByteBuffer bytes;
        try {
            CharsetEncoder utf8 = StandardCharsets.UTF_8
                    .newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            bytes = utf8.encode(CharBuffer.wrap(id));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the id is not valid Unicode (it holds an unpaired surrogate), so it "
                    + "cannot be written into a URL path");
        }
        if (id.equals(".") || id.equals("..")) {
            return id.replace(".", "%2E");
        }
        StringBuilder encoded = new StringBuilder(bytes.remaining() * 3);
        while (bytes.hasRemaining()) {
            int b = bytes.get() & 0xff;
            if (isUnreserved(b)) {
                encoded.append((char) b);
            } else {
                encoded.append('%').append(HEX[b >> 4]).append(HEX[b & 0x0f]);
            }
        }
        return encoded.toString();
    }

    /** Whether {@link #encode} can write the id. */
    public static boolean isEncodable(String id) {
        try {
            encode(id);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether an id the API answered can name its resource in a URL: {@link #encode} writes it, within
     * {@link #MAX_ENCODED_LENGTH} (HTTP-edges audit: a 100 KB profile_creation_id made 200,033-character status
     * URLs, each of which a real front end answers 414, retried and then given up).
     */
    public static boolean isUsable(String id) {
        try {
            return encode(id).length() <= MAX_ENCODED_LENGTH;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether an id the API answered can be kept as a job's remote id too: {@link #isUsable}, and no U+0000, which
     * PostgreSQL's text refuses (answers audit: a creation id holding one failed every save of its job on a shared
     * store, and the job was created again and again, 18 times a second).
     */
    public static boolean isUsableAndStorable(String id) {
        return isUsable(id) && id.indexOf('\0') < 0;
    }

    /** The failed result's error for an id no URL can carry ({@link #isUsable}): final, no retry changes the id. */
    public static ApiError unusableId(String field) {
        return ApiError.of(
                "remote_id_unusable",
                "the API answered with a " + field + " that is not valid Unicode (an unpaired surrogate), is longer"
                        + " than " + MAX_ENCODED_LENGTH + " characters once encoded (no URL can name it) or holds"
                        + " U+0000 (no job store can keep it); the request cannot be followed up");
    }

    private static boolean isUnreserved(int b) {
        return (b >= 'a' && b <= 'z')
                || (b >= 'A' && b <= 'Z')
                || (b >= '0' && b <= '9')
                || b == '-'
                || b == '.'
                || b == '_'
                || b == '~';
    }
}
