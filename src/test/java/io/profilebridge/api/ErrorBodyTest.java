package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ErrorBodyTest {

    /** Review: a text whose cut fell inside a surrogate pair was cut again when read back, naming the wrong length. */
    @Test
    void aTextCutOnceStaysAsCutWhereverTheCutFell() {
        String plain = "x".repeat(9000);
        String pair = "x".repeat(ErrorBody.MAX_TEXT_CHARS - 1) + "\uD83D\uDE00" + "y".repeat(5000);
        for (String text : new String[] {plain, pair}) {
            String once = ErrorBody.bounded(text);
            assertThat(once).endsWith("... [cut: " + text.length() + " characters in all]");
            assertThat(ErrorBody.bounded(once)).isEqualTo(once);
        }
        assertThat(ErrorBody.bounded(pair)).doesNotContain("\uD83D");
    }
}
