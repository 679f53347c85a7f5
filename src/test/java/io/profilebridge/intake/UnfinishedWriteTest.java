package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
