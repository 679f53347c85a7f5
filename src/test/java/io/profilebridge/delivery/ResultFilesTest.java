package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.api.ApiError;
import io.profilebridge.job.RequestSource;
import io.profilebridge.job.ResultDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
     * From the names audit's list: a request whose result went to {@code x.<jobId>.json} (another request held
     * {@code x.json}) and is delivered again after a restart, once the other result was taken away, got a second
     * document under {@code x.json}. Its own file is replaced instead.
     */
    @Test
    void aResultDeliveredAgainStaysUnderTheNameItWasGivenWhenTheOtherResultIsGone() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles before = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            assertThat(claimed(before, camel, "job-a", "key-a")).isEqualTo("orbit/x.json");
            Files.writeString(outbox.resolve("orbit/x.json"), document("job-a", "key-a"));
            assertThat(claimed(before, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.json");
            Files.writeString(outbox.resolve("orbit/x.job-b.json"), document("job-b", "key-b"));
            Files.delete(outbox.resolve("orbit/x.json"));

            ResultFiles afterARestart = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            assertThat(claimed(afterARestart, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.json");
            assertThat(claimed(afterARestart, camel, "job-c", "key-c"))
                    .as("the free name is still the next request's")
                    .isEqualTo("orbit/x.json");
        }
    }

    /**
     * Names audit: a request dropped as {@code x.<jobId>.json}, the very name another request's result takes when
     * {@code x.json} is held, had its result replaced by that one's (the file producer renames over what it finds). The
     * result takes the next own name instead, and stays there when delivered again.
     */
    @Test
    void aResultWhoseOwnNameIsAnotherFileTakesTheNextOne() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles files = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            Files.createDirectories(outbox.resolve("orbit"));
            Files.writeString(outbox.resolve("orbit/x.json"), document("job-a", "key-a"));
            Files.writeString(outbox.resolve("orbit/x.job-b.json"), document("job-r", "key-r"));

            assertThat(claimed(files, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.2.json");
            Files.writeString(outbox.resolve("orbit/x.job-b.2.json"), document("job-b", "key-b"));
            ResultFiles afterARestart = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            assertThat(claimed(afterARestart, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.2.json");
            assertThat(claimed(afterARestart, camel, "job-r", "key-r")).isEqualTo("orbit/x.job-r.json");

            // re-check audit: the other file taken away, the result stayed where it was, not at the freed name
            Files.delete(outbox.resolve("orbit/x.job-b.json"));
            assertThat(claimed(afterARestart, camel, "job-b", "key-b")).isEqualTo("orbit/x.job-b.2.json");
        }
    }

    /**
     * Lowres audit: a result whose sync failed for want of file handles was read for its owner at the retry, that read
     * failed the same way, and the result went out a second time under {@code NAME.<jobId>.json}. A passing failure to
     * read is the outbox refusing the result for now; only a file that is no JSON document, or not ours to read, is
     * another's.
     */
    @Test
    void aResultThatCannotBeReadForNowIsNoOtherRequestsResult() throws Exception {
        assertThat(ResultFiles.unreadableForGood(
                        new java.nio.file.FileSystemException("orbit/x.json", null, "Too many open files")))
                .isFalse();
        assertThat(ResultFiles.unreadableForGood(new java.io.IOException("Input/output error")))
                .isFalse();
        assertThat(ResultFiles.unreadableForGood(new java.nio.file.AccessDeniedException("orbit/x.json")))
                .isTrue();
        assertThat(ResultFiles.unreadableForGood(new com.fasterxml.jackson.core.JsonParseException(null, "not JSON")))
                .isTrue();
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles files = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            Files.createDirectories(outbox.resolve("orbit"));
            Files.writeString(outbox.resolve("orbit/x.json"), "{\"jobId\": not json");
            assertThat(claimed(files, camel, "job-a", "key-a")).isEqualTo("orbit/x.job-a.json");
        }
    }

    /**
     * Upgrade audit: a rejection's id was made from its whole document, so a release that reworded the refusal gave the
     * same file dropped again a second result under a new job id. The same request, source and error code are one
     * rejection, and its earlier release's result is replaced in place.
     */
    @Test
    void aRejectionWordedByAnEarlierReleaseIsReplacedInPlace() throws Exception {
        RequestSource source = RequestSource.file("openprospect", "broken.json");
        ObjectNode before = ResultDocument.rejected(
                "openprospect", null, null, source, ApiError.of("request_not_json", "Unrecognized token 'not'"));
        ObjectNode now = ResultDocument.rejected(
                "openprospect",
                null,
                null,
                source,
                ApiError.of("request_not_json", "Unrecognized token (3 characters, not shown)"));
        ObjectNode another = ResultDocument.rejected(
                "openprospect", null, null, source, ApiError.of("request_empty", "the file is empty"));
        assertThat(now.get("jobId")).isEqualTo(before.get("jobId"));
        assertThat(another.get("jobId")).isNotEqualTo(now.get("jobId"));

        before.put("jobId", "438f76bb-86dc-3a66-8ecc-efe8c0f2409d"); // as the earlier release named it
        Files.createDirectories(outbox.resolve("failed/openprospect"));
        Files.writeString(outbox.resolve("failed/openprospect/broken.json"), Json.write(before));
        try (CamelContext camel = new DefaultCamelContext()) {
            ResultFiles files = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(Json.write(now));
            exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, "failed/openprospect/broken.json");
            files.claimName(exchange);
            assertThat(exchange.getMessage().getHeader(ResultHeaders.RESULT_FILE, String.class))
                    .isEqualTo("failed/openprospect/broken.json");
        }
    }

    private static String document(String jobId, String key) {
        return "{\"jobId\":\"" + jobId + "\",\"api\":\"orbit\",\"idempotencyKey\":\"" + key
                + "\",\"outcome\":\"succeeded\"}";
    }

    static String claimed(ResultFiles files, CamelContext camel, String jobId, String key) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"outcome\":\"succeeded\"}");
        exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, "orbit/x.json");
        exchange.getMessage().setHeader(ResultHeaders.JOB_ID, jobId);
        exchange.getMessage().setHeader(ResultHeaders.API, "orbit");
        exchange.getMessage().setHeader(ResultHeaders.REQUEST_KEY, key);
        files.claimName(exchange);
        return exchange.getMessage().getHeader(ResultHeaders.RESULT_FILE, String.class);
    }
}
