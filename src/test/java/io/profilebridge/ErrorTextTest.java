package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.camel.FailedToCreateRouteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ErrorTextTest {

    @Test
    @Timeout(5)
    void aCycleOfCausesEndsTheWalk() {
        Exception outer = new IllegalStateException("outer");
        Exception inner = new IOException("inner", outer);
        outer.initCause(inner);
        assertThat(ErrorText.causes(outer)).containsExactly(outer, inner);
        assertThat(ErrorText.rootCause(outer)).isSameAs(inner);
        assertThat(ErrorText.withRootCause(outer)).isEqualTo("outer (IOException: inner)");
        assertThat(OutOfMemoryExit.causedBy(outer)).isFalse();
        assertThat(StartupFailure.describe(outer)).isEqualTo("IOException: inner");
    }

    /** Integrator audit: the deepest cause alone named neither the route nor, without a message, where it arose. */
    @Test
    void aRouteCamelCouldNotMakeIsNamedAndACauseWithoutAMessageSaysWhereItArose() {
        Exception noEndpoint = new IllegalStateException(
                "the bridge did not start",
                new FailedToCreateRouteException(
                        "deliver-result",
                        "Route(deliver-result)",
                        "to[direkt:x]",
                        new Exception("No endpoint could be found")));
        assertThat(StartupFailure.describe(noEndpoint))
                .isEqualTo("route deliver-result: Exception: No endpoint could be found");
        Exception bare = new UnsupportedOperationException();
        assertThat(StartupFailure.describe(bare))
                .startsWith("UnsupportedOperationException at io.profilebridge.ErrorTextTest.")
                .endsWith("(BRIDGE_LOG_LEVEL=DEBUG logs its stack trace)");
    }

    @Test
    void theRootCauseIsNamedWhereTheMessageDoesNotSayIt() {
        Exception full = new IllegalStateException(
                "Cannot store file: outbox/.x.json.part", new IOException("No space left on device"));
        assertThat(ErrorText.withRootCause(full))
                .isEqualTo("Cannot store file: outbox/.x.json.part (IOException: No space left on device)");
        Exception said = new IllegalStateException("broker down: refused", new IOException("refused"));
        assertThat(ErrorText.withRootCause(said)).isEqualTo("broker down: refused");
        assertThat(ErrorText.withRootCause(new IOException("alone"))).isEqualTo("alone");
        assertThat(ErrorText.withRootCause(new IllegalStateException()))
                .as("no message: its class")
                .isEqualTo("IllegalStateException");
    }

    @Test
    void aValuePrintedInOneLineCannotEndItNorCarryControlCharacters() {
        assertThat(ErrorText.oneLine("k\n2026-12-05 ERROR forged\r")).isEqualTo("k\\n2026-12-05 ERROR forged\\r");
        assertThat(ErrorText.oneLine("a\u0000b\u2028c\uD800d\u001b[31m")).isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFD[31m");
        // a pair stays, whatever it encodes
        assertThat(ErrorText.oneLine("smile \uD83D\uDE00")).isEqualTo("smile \uD83D\uDE00");
        // encodings audit: check printed "n09-rtl-\u202Egnp.json" as "...nosj.png"
        assertThat(ErrorText.oneLine("n09-rtl-\u202Egnp.json \u2066x\u2069 \u200F \u061C"))
                .isEqualTo("n09-rtl-\uFFFDgnp.json \uFFFDx\uFFFD \uFFFD \uFFFD");
    }

    @Test
    void aLongValueIsShortenedWithoutCuttingACharacterInTwo() {
        assertThat(ErrorText.shortened("abc", 3)).isEqualTo("abc");
        assertThat(ErrorText.shortened("abcd", 3)).isEqualTo("abc...");
        // U+1F600 is two chars: cut before it rather than through it
        assertThat(ErrorText.shortened("ab\uD83D\uDE00", 3)).isEqualTo("ab...");
    }

    @Test
    void anInvisibleCharacterInAQuotedValueIsShownAsItsEscape() {
        assertThat(ErrorText.visible("not \"4\u00A0\" nor \"a\u200Bb\" nor \"\uFEFFx\", but \"a b\""))
                .isEqualTo("not \"4\\u00A0\" nor \"a\\u200Bb\" nor \"\\uFEFFx\", but \"a b\"");
    }
}
