package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.GenericFileOperationFailedException;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class RefusedResultLinesTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RefusedResultLines lines = new RefusedResultLines(now::get);

    @Test
    void oneLineAMinutePerCauseTheOthersCountedIntoTheNext() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            Exchange full = refused(camel, new IOException("No space left on device"));
            assertThat(lines.worthALine(full)).isTrue();
            assertThat(full.getProperty(RefusedResultLines.NOT_LOGGED)).isEqualTo("");
            for (int i = 0; i < 5; i++) {
                now.addAndGet(1_000);
                assertThat(lines.worthALine(refused(camel, new IOException("No space left on device"))))
                        .isFalse();
            }
            assertThat(lines.worthALine(refused(camel, new java.nio.file.AccessDeniedException("/outbox/x"))))
                    .as("another cause has its own line")
                    .isTrue();
            assertThat(lines.worthALine(refused(camel, new IOException("Read-only file system"))))
                    .as("diff review: another cause of the same class too")
                    .isTrue();
            assertThat(lines.worthALine(refused(
                            camel,
                            new java.nio.file.FileSystemException("/outbox/orbit/a.json", null, "Not a directory"))))
                    .isTrue();
            assertThat(lines.worthALine(refused(
                            camel,
                            new java.nio.file.FileSystemException("/outbox/orbit/b.json", null, "Not a directory"))))
                    .as("the same reason for another file is the same cause")
                    .isFalse();

            now.addAndGet(RefusedResultLines.INTERVAL_MS);
            Exchange later = refused(camel, new IOException("No space left on device"));
            assertThat(lines.worthALine(later)).isTrue();
            assertThat(later.getProperty(RefusedResultLines.NOT_LOGGED, String.class))
                    .isEqualTo(" (5 more refused so since the last such line, not logged)");
        }
    }

    private static Exchange refused(CamelContext camel, Exception root) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(
                Exchange.EXCEPTION_CAUGHT, new GenericFileOperationFailedException("Cannot store file", root));
        return exchange;
    }
}
