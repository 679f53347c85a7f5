package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import io.profilebridge.api.Api;
import io.profilebridge.job.InstanceLiveness;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import io.profilebridge.job.JobStoreDataSource;
import io.profilebridge.job.RequestSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numbers audit: the progress line went quiet as soon as nothing was pending, so the last one written showed jobs
 * still polling that had long been done. One last line tells how the work ended, then none while idle.
 */
class ProgressRouteTest {

    @TempDir
    Path data;

    @Test
    void theLastLineSaysHowTheWorkEndedThenTheLogIsQuiet() throws Exception {
        AtomicLong clock = new AtomicLong();
        try (HikariDataSource dataSource = JobStoreDataSource.open(JobStoreDataSource.defaultUrl(data), "", "", 2);
                DefaultCamelContext context = new DefaultCamelContext()) {
            JobStore store = new JobStore(dataSource, InstanceLiveness.single("test"), Clock.systemUTC());
            context.addRoutes(new ProgressRoute(new JobCounts(store, clock::get)));
            context.start();
            ProducerTemplate progress = context.createProducerTemplate();

            assertThat(progress.requestBody("direct:describe-progress", null, String.class))
                    .as("nothing ever pending")
                    .isNull();
            Job job = store.register(new Job(
                            UUID.randomUUID().toString(),
                            Api.ORBIT,
                            "key-1",
                            JobState.RECEIVED,
                            "{}",
                            "hash",
                            RequestSource.file("a.json"),
                            System.currentTimeMillis()))
                    .job();
            assertThat(progress.requestBody("direct:describe-progress", null, String.class))
                    .contains("orbit received 1, polling 0, delivering 0, done 0");

            job.state(JobState.DELIVERED);
            clock.addAndGet(60_000); // a period later: the final states are counted afresh
            assertThat(store.save(job, false)).isTrue();
            assertThat(progress.requestBody("direct:describe-progress", null, String.class))
                    .as("the end of the work")
                    .contains("orbit received 0, polling 0, delivering 0, done 1");
            assertThat(progress.requestBody("direct:describe-progress", null, String.class))
                    .as("idle")
                    .isNull();
        }
    }
}
