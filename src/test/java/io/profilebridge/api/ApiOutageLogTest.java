package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import io.profilebridge.LogCapture;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ApiOutageLogTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final ApiOutageLog outages = new ApiOutageLog(now::get);

    @Test
    void anOutageIsNamedOnceAtItsThirdFailedCallAndItsEndOnce() {
        try (LogCapture logs = LogCapture.start()) {
            outages.answered(Api.ORBIT, answer(503));
            outages.answered(Api.ORBIT, answer(200));
            outages.answered(Api.ORBIT, answer(503));
            outages.answered(Api.ORBIT, answer(503));
            assertThat(lines(logs)).as("a blip retried is no outage").isEmpty();

            outages.answered(Api.ORBIT, failure(new ConnectException("Connection refused")));
            now.addAndGet(240_000);
            for (int i = 0; i < 50; i++) {
                outages.answered(Api.ORBIT, answer(503));
            }
            outages.answered(Api.OPENPROSPECT, answer(200));
            // diff review: a timeout amid the 503s ended the outage, with a line that the API answered again
            outages.answered(Api.ORBIT, failure(new SocketTimeoutException("Read timed out")));
            outages.answered(Api.ORBIT, failure(new ApiCallLimits.DeadlineExceeded(30_000)));
            assertThat(lines(logs))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("WARN")
                            .contains("The orbit API is out: 3 calls in a row failed, the last with")
                            .contains("Connection refused"));

            outages.answered(Api.ORBIT, answer(404));
            outages.answered(Api.ORBIT, answer(200));
            assertThat(lines(logs))
                    .hasSize(2)
                    .last()
                    .satisfies(
                            line -> assertThat(line)
                                    .contains(
                                            "The orbit API answers again: 55 calls in a row failed, in the 240 s from the first of them"));
        }
    }

    /** HTTP-wire audit: one job whose every call failed (an answer it could not take) was logged as the API out. */
    @Test
    void oneJobsFailedCallsAreNoOutageUntilAnotherJobsFailToo() {
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                outages.answered(Api.OPENPROSPECT, answer(500), "job-a");
            }
            assertThat(lines(logs)).isEmpty();
            outages.answered(Api.OPENPROSPECT, answer(503), "job-b");
            assertThat(lines(logs))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("The openprospect API is out: 6 calls in a row"));
        }
    }

    /** Review: a lone job's calls failing for minutes (one request, the API out) were never named. */
    @Test
    void oneJobsCallsFailingForAMinuteAreAnOutage() {
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                outages.answered(Api.OPENPROSPECT, answer(503), "job-a");
                now.addAndGet(19_000);
            }
            assertThat(lines(logs)).as("57 s").isEmpty();
            now.addAndGet(3_000);
            outages.answered(Api.OPENPROSPECT, answer(503), "job-a");
            assertThat(lines(logs))
                    .singleElement()
                    .satisfies(line -> assertThat(line).contains("The openprospect API is out: 4 calls in a row"));
        }
    }

    /** Big-bodies audit: answers over bridge.http.max-answer-bytes were logged as "The orbit API gives no answer". */
    @Test
    void answersOverTheCapAreAnswersNotAnOutage() {
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 5; i++) {
                outages.answered(Api.ORBIT, failure(new ApiCallLimits.AnswerTooLarge(200, 4_194_304)));
            }
            assertThat(lines(logs)).isEmpty();
            assertThat(outages.isOut(Api.ORBIT)).isFalse();
        }
    }

    @Test
    void anApisOwnTextIsNotLoggedOnlyItsStatusAndCode() throws Exception {
        ApiAnswer echoing = new ApiAnswer(
                503,
                Json.parse("{\"error\": {\"code\": \"unavailable\", \"message\": \"jane.doe@example.com is busy\"}}"),
                null,
                null,
                null);
        try (LogCapture logs = LogCapture.start()) {
            for (int i = 0; i < 3; i++) {
                outages.answered(Api.OPENPROSPECT, echoing);
            }
            assertThat(lines(logs))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("the last with HTTP 503 (unavailable)")
                            .doesNotContain("jane.doe"));
        }
    }

    private static List<String> lines(LogCapture logs) {
        return logs.lines().stream()
                .filter(line -> line.contains("ApiOutageLog"))
                .toList();
    }

    private static ApiAnswer answer(int status) {
        return new ApiAnswer(status, null, null, null, null);
    }

    private static ApiAnswer failure(Exception cause) {
        return new ApiAnswer(0, null, null, null, cause);
    }
}
