package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.profilebridge.job.JobStoreException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Scale audit: with 100,000 pending jobs two slow reads of {@code /jobs} held every management reader, and the
 * readiness check's ping was refused ("the job store has not answered the reads before this one") on a healthy store.
 */
class ManagementReadsTest {

    @Test
    void operatorsReadsPastTheirDeadlineLeaveTheHealthChecksAndTheMetricsTheirOwnReaders() {
        CountDownLatch slowReadsEnd = new CountDownLatch(1);
        try (ManagementReads reads = ManagementReads.open()) {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> reads.operators().read(() -> slowReadsEnd.await(1, TimeUnit.MINUTES)))
                        .isInstanceOf(JobStoreException.class);
            }

            assertThat(reads.health().read(() -> "pong")).isEqualTo("pong");
            assertThat(reads.metrics().read(() -> 42)).isEqualTo(42);
        } finally {
            slowReadsEnd.countDown();
        }
    }
}
