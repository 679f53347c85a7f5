package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.LogCapture;
import java.net.ConnectException;
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

            outages.answered(Api.ORBIT, failure());
            now.addAndGet(240_000);
            for (int i = 0; i < 50; i++) {
                outages.answered(Api.ORBIT, answer(503));
            }
            outages.answered(Api.OPENPROSPECT, answer(200));
            assertThat(lines(logs))
                    .singleElement()
                    .satisfies(line -> assertThat(line)
                            .contains("WARN")
                            .contains(
                                    "The orbit API gives no answer: 3 calls in a row failed, the last transport_error")
                            .contains("Connection refused"));

            outages.answered(Api.ORBIT, answer(404));
            outages.answered(Api.ORBIT, answer(200));
            assertThat(lines(logs))
                    .hasSize(2)
                    .last()
                    .satisfies(
                            line -> assertThat(line)
                                    .contains(
                                            "The orbit API answers again, after 240 s in which 53 calls in a row got no answer"));
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

    private static ApiAnswer failure() {
        return new ApiAnswer(0, null, null, null, new ConnectException("Connection refused"));
    }
}
