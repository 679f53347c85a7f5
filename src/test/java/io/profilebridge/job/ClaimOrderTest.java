package io.profilebridge.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order in which claims take the work queues (mutation audit: the APIs' turns were pinned by no test). */
class ClaimOrderTest {

    @Test
    void resultsGoFirstThenTheApisTakeTurnsGoingFirst() {
        ClaimOrder order = new ClaimOrder();
        assertThat(order.next())
                .containsExactly(
                        WorkQueue.DELIVERIES,
                        WorkQueue.OPENPROSPECT_CALLS,
                        WorkQueue.ORBIT_STARTS,
                        WorkQueue.ORBIT_OUTPUTS,
                        WorkQueue.ORBIT_READS);
        assertThat(order.next())
                .containsExactly(
                        WorkQueue.DELIVERIES,
                        WorkQueue.ORBIT_STARTS,
                        WorkQueue.ORBIT_OUTPUTS,
                        WorkQueue.ORBIT_READS,
                        WorkQueue.OPENPROSPECT_CALLS);
        assertThat(order.next()).element(1).isEqualTo(WorkQueue.OPENPROSPECT_CALLS);
    }

    @Test
    void orbitsProfileAndStatusReadsGoFirstByTurns() {
        ClaimOrder order = new ClaimOrder();
        order.took(WorkQueue.ORBIT_OUTPUTS);
        assertThat(order.next())
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS, WorkQueue.ORBIT_OUTPUTS);
        order.took(WorkQueue.OPENPROSPECT_CALLS);
        assertThat(order.next())
                .as("a claim of another queue changes nothing")
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS, WorkQueue.ORBIT_OUTPUTS);
        order.took(WorkQueue.ORBIT_READS);
        assertThat(order.next())
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_OUTPUTS, WorkQueue.ORBIT_READS);
    }
}
