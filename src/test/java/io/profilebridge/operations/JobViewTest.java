package io.profilebridge.operations;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.job.RequestSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobViewTest {

    private final ApiHolds holds = new ApiHolds(60_000);
    private final JobWaits waits = new JobWaits(
            holds,
            ApiBudgets.local(
                    Map.of(), new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000), System::currentTimeMillis));

    private static Job dueAt(long at) {
        Job job = new Job(
                "job-" + at,
                Api.ORBIT,
                "key-" + at,
                JobState.RECEIVED,
                "{}",
                "hash",
                RequestSource.file("a.json"),
                at - 1000);
        job.nextAttemptAt(at);
        return job;
    }

    /** Observability audit: held jobs showed a next step due a minute ago, though they move only when the hold lifts. */
    @Test
    void aHeldJobsPassedTimeIsNoneButTheProbesComingOneIsShown() {
        long now = System.currentTimeMillis();
        Job past = dueAt(now - 30_000);
        Job probe = dueAt(now + 30_000);
        assertThat(JobView.of(past, waits, now).nextAttemptAt()).isNotNull();

        holds.hold(Api.ORBIT, ApiError.of("api_key_missing", "no key"));
        JobView held = JobView.of(past, waits, now);
        assertThat(held.heldBecause().get("code").asText()).isEqualTo("api_key_missing");
        assertThat(held.nextAttemptAt()).isNull();
        assertThat(JobView.of(probe, waits, now).nextAttemptAt()).isEqualTo(JobView.time(now + 30_000));
    }
}
