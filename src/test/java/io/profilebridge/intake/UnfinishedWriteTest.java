package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a file still being written looks like, and what is wrong as written. */
class UnfinishedWriteTest {

    @Test
    void aFileCutShortOrPaddedWithNulsIsUnfinished() {
        assertThat(UnfinishedWrite.endsEarly(utf8("{\"email\": \"a@exa"))).isTrue();
        assertThat(UnfinishedWrite.endsEarly(utf8("{\"email\": nu"))).isTrue();
        assertThat(UnfinishedWrite.endsEarly(utf8("{\"email\": \"a\"}\0\0\0")))
                .as("size set first")
                .isTrue();
        assertThat(UnfinishedWrite.endsEarly(utf8("{\"email\": \"a@example.com\"}")))
                .isFalse();
    }

    /** Hostile-files audit: its NUL bytes held a UTF-16 file for bridge.inbox.incomplete-ms before its rejection. */
    @Test
    void aUtf16FileWithItsByteOrderMarkIsWrongAsWrittenNotUnfinished() {
        byte[] littleEndian = "\uFEFF{\"email\": \"a@example.com\"}".getBytes(StandardCharsets.UTF_16LE);
        byte[] bigEndian = "\uFEFF{\"email\": \"a@example.com\"}".getBytes(StandardCharsets.UTF_16BE);
        assertThat(UnfinishedWrite.endsEarly(littleEndian)).isFalse();
        assertThat(UnfinishedWrite.endsEarly(bigEndian)).isFalse();
    }

    /** Encodings audit: without a byte-order mark, UTF-16 and UTF-32 files were held as unfinished. */
    @Test
    void aUtf16Or32FileWithoutAMarkIsWrongAsWrittenButATailOfNulsIsStillUnwritten() {
        String json = "{\"email\": \"a@example.com\"}";
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
            assertThat(UnfinishedWrite.endsEarly(json.getBytes(Charset.forName(charset))))
                    .as(charset)
                    .isFalse();
        }
        assertThat(UnfinishedWrite.endsEarly(utf8("{\0\0\0\0\0\0\0")))
                .as("one byte written, size set first")
                .isTrue();
        assertThat(UnfinishedWrite.endsEarly(utf8("{\"e\0\0\0\0"))).isTrue();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
