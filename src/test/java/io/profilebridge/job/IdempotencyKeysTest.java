package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import io.profilebridge.api.Api;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    @Test
    void aLongKeyIsShownCutWithItsLengthAndAShortOneWhole() {
        // a caller's key may be of any length; log lines (and their MDC) show at most 200 characters of it
        assertThat(IdempotencyKeys.shown("short-key")).isEqualTo("short-key");
        assertThat(IdempotencyKeys.shown(null)).isNull();
        String longKey = "a".repeat(IdempotencyKeys.SHOWN_LENGTH) + "b".repeat(100_000);
        assertThat(IdempotencyKeys.shown(longKey))
                .isEqualTo("a".repeat(IdempotencyKeys.SHOWN_LENGTH) + "... (100200 characters)");
    }

    @Test
    void theSameRequestAlwaysGetsTheSameKeyWhateverTheFieldOrder() throws Exception {
        var a = Json.parse("{\"b\": 1, \"a\": {\"y\": [1, 2], \"x\": true}}");
        var b = Json.parse("{\"a\": {\"x\": true, \"y\": [1, 2]}, \"b\": 1}");
        RequestSource file = RequestSource.file("x.json");
        assertThat(IdempotencyKeys.derive(Api.ORBIT, file, a)).isEqualTo(IdempotencyKeys.derive(Api.ORBIT, file, b));
    }

    @Test
    void apiSourceAndBodyEachChangeTheKey() throws Exception {
        var body = Json.parse("{\"a\": 1}");
        String key = IdempotencyKeys.derive(Api.ORBIT, RequestSource.file("x.json"), body);
        assertThat(IdempotencyKeys.derive(Api.OPENPROSPECT, RequestSource.file("x.json"), body))
                .isNotEqualTo(key);
        assertThat(IdempotencyKeys.derive(Api.ORBIT, RequestSource.file("y.json"), body))
                .isNotEqualTo(key);
        assertThat(IdempotencyKeys.derive(Api.ORBIT, RequestSource.file("x.json"), Json.parse("{\"a\": 2}")))
                .isNotEqualTo(key);
        assertThat(IdempotencyKeys.derive(Api.ORBIT, RequestSource.jms("m1", null, null), body))
                .isNotEqualTo(key);
    }

    @Test
    void numbersKeptAsWrittenDeriveTheKeysAndHashesTheirDoublesDidBefore() throws Exception {
        // requests are read with exact decimals now, so 1.10 is sent as 1.10; a request recorded before under the
        // double's key must still find its job
        String text = "{\"a\": 1.10, \"b\": 1e2, \"c\": 3.14159265358979323846264338327950288, "
                + "\"d\": [0.1000000000000000055511151231257827, 9007199254740993, 2.50e2, 1.5e-7, -1.25, 1E0]}";
        var exact = Json.parseStored(text);
        var doubles = Json.parse(text);
        assertThat(exact.get("a").toString()).as("really exact").isEqualTo("1.10");
        RequestSource file = RequestSource.file("x.json");
        assertThat(IdempotencyKeys.derive(Api.ORBIT, file, exact))
                .isEqualTo(IdempotencyKeys.derive(Api.ORBIT, file, doubles));
        assertThat(IdempotencyKeys.bodyHash(exact)).isEqualTo(IdempotencyKeys.bodyHash(doubles));
    }

    @Test
    void keysAreUuidsAndRetryKeysAreNewButStable() {
        String key = IdempotencyKeys.uuidOf("anything");
        assertThat(UUID.fromString(key).toString()).isEqualTo(key);
        assertThat(IdempotencyKeys.retryKey(key, 1)).isNotEqualTo(key).isEqualTo(IdempotencyKeys.retryKey(key, 1));
        assertThat(IdempotencyKeys.retryKey(key, 2)).isNotEqualTo(IdempotencyKeys.retryKey(key, 1));
    }

    @Test
    void jmsIdentityIsTheCorrelationIdElseTheMessageId() {
        assertThat(RequestSource.jms("m1", "c1", null).identity()).isEqualTo("jms:c1");
        assertThat(RequestSource.jms("m1", null, null).identity()).isEqualTo("jms:m1");
    }
}
