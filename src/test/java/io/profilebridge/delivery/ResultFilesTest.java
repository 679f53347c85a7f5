package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {

    @TempDir
    Path outbox;

    @Test
    void aSecondResultOfTheSameNameKeepsItsExtensionWhateverItsCase() {
        assertThat(ResultFiles.withSuffix("orbit/a.json", "id1")).isEqualTo("orbit/a.id1.json");
        // hostile-input audit: the inbox takes UPPER.JSON too, and such a result became UPPER.JSON.<id>, no extension
        assertThat(ResultFiles.withSuffix("orbit/UPPER.JSON", "id1")).isEqualTo("orbit/UPPER.id1.JSON");
        assertThat(ResultFiles.withSuffix("orbit/plain", "id1")).isEqualTo("orbit/plain.id1");
    }

    /**
     * Names audit (from reading): two instances sharing an outbox finishing two requests of one name at once both
     * found the name free, and the later rename replaced the earlier result. The second now sees the first's claim.
     */
    @Test
    void twoInstancesSharingTheOutboxNeverWriteOneNameForTwoRequests() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles first = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", true);
            ResultFiles second = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", true);
            assertThat(claimed(first, camel, "job-a", "key-a")).isEqualTo("orbit/x.json");
            assertThat(claimed(second, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.json");
            // the same request's own delivery again (after a crash of the first writer) takes its own claim
            assertThat(claimed(second, camel, "job-a", "key-a")).isEqualTo("orbit/x.json");
            // takeover audit: after a key takeover two jobs share the key, and each passed the other's claim
            assertThat(claimed(first, camel, "job-c", "key-a")).isEqualTo("orbit/x.job-c.json");
        }
    }

    /**
     * From the names audit's list: a request whose result went to {@code x.<jobId>.json} (another request held
     * {@code x.json}) and is delivered again after a restart, once the other result was taken away, got a second
     * document under {@code x.json}. Its own file is replaced instead.
     */
    @Test
    void aResultDeliveredAgainStaysUnderTheNameItWasGivenWhenTheOtherResultIsGone() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles before = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", false);
            assertThat(claimed(before, camel, "job-a", "key-a")).isEqualTo("orbit/x.json");
            Files.writeString(outbox.resolve("orbit/x.json"), document("job-a", "key-a"));
            assertThat(claimed(before, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.json");
            Files.writeString(outbox.resolve("orbit/x.job-b.json"), document("job-b", "key-b"));
            Files.delete(outbox.resolve("orbit/x.json"));

            ResultFiles afterARestart = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", false);
            assertThat(claimed(afterARestart, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.json");
            assertThat(claimed(afterARestart, camel, "job-c", "key-c"))
                    .as("the free name is still the next request's")
                    .isEqualTo("orbit/x.json");
        }
    }

    private static String document(String jobId, String key) {
        return "{\"jobId\":\"" + jobId + "\",\"api\":\"orbit\",\"idempotencyKey\":\"" + key
                + "\",\"outcome\":\"succeeded\"}";
    }

    @Test
    void aClaimLeftByAStoppedInstanceIsTakenOverOnceAbandoned() throws Exception {
        Path target = Files.createDirectories(outbox.resolve("orbit")).resolve("x.json");
        SharedNameClaims claims = new SharedNameClaims(true, Clock.systemUTC());
        assertThat(claims.take(target, "orbit\nkey-a")).isTrue();
        assertThat(claims.take(target, "orbit\nkey-b")).isFalse();
        Path claim = outbox.resolve("orbit/.x.json.claim");
        Files.setLastModifiedTime(
                claim, FileTime.from(Instant.now().minusMillis(SharedNameClaims.ABANDONED_MS + 1000)));
        assertThat(claims.take(target, "orbit\nkey-b")).isTrue();
        claims.release(target, "orbit\nkey-a");
        assertThat(claim).as("another owner's claim stays").hasContent("orbit\nkey-b");
        claims.release(target, "orbit\nkey-b");
        assertThat(claim).doesNotExist();
        assertThat(new SharedNameClaims(false, Clock.systemUTC()).take(target, "any"))
                .isTrue();
        assertThat(claim).as("one instance alone makes none").doesNotExist();
    }

    private static String claimed(ResultFiles files, CamelContext camel, String jobId, String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"outcome\":\"succeeded\"}");
        exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, "orbit/x.json");
        exchange.getMessage().setHeader(ResultHeaders.JOB_ID, jobId);
        exchange.getMessage().setHeader(ResultHeaders.API, "orbit");
        exchange.getMessage().setHeader(ResultHeaders.IDEMPOTENCY_KEY, key);
        files.claimName(exchange);
        return exchange.getMessage().getHeader(ResultHeaders.RESULT_FILE, String.class);
    }
}
