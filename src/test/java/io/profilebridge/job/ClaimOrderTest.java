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
                        WorkQueue.OPENPROSPECT_STARTS,
                        WorkQueue.OPENPROSPECT_READS,
                        WorkQueue.ORBIT_STARTS,
                        WorkQueue.ORBIT_OUTPUTS,
                        WorkQueue.ORBIT_READS);
        assertThat(order.next())
                .containsExactly(
                        WorkQueue.DELIVERIES,
                        WorkQueue.ORBIT_STARTS,
                        WorkQueue.ORBIT_OUTPUTS,
                        WorkQueue.ORBIT_READS,
                        WorkQueue.OPENPROSPECT_STARTS,
                        WorkQueue.OPENPROSPECT_READS);
        assertThat(order.next()).element(1).isEqualTo(WorkQueue.OPENPROSPECT_STARTS);
    }

    @Test
    void orbitsProfileAndStatusReadsGoFirstByTurns() {
        ClaimOrder order = new ClaimOrder();
        order.took(WorkQueue.ORBIT_OUTPUTS);
        assertThat(order.next())
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS, WorkQueue.ORBIT_OUTPUTS);
        order.took(WorkQueue.OPENPROSPECT_STARTS);
        assertThat(order.next())
                .as("a claim of another queue changes nothing")
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS, WorkQueue.ORBIT_OUTPUTS);
        order.took(WorkQueue.ORBIT_READS);
        assertThat(order.next())
                .containsSubsequence(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_OUTPUTS, WorkQueue.ORBIT_READS);
    }

    /**
     * Inbox-flood audit: OpenProspect's creations and status reads were one queue, by due time, so with 28,000 files
     * waiting every creation went before any run's first read (20,000 runs started and unread). They share one place
     * and one budget, going first by turns.
     */
    @Test
    void openProspectsCreationsAndStatusReadsGoFirstByTurns() {
        ClaimOrder order = new ClaimOrder();
        order.took(WorkQueue.OPENPROSPECT_STARTS);
        assertThat(order.next()).containsSubsequence(WorkQueue.OPENPROSPECT_READS, WorkQueue.OPENPROSPECT_STARTS);
        order.took(WorkQueue.ORBIT_STARTS);
        assertThat(order.next())
                .as("a claim of another API's queue changes nothing")
                .containsSubsequence(WorkQueue.OPENPROSPECT_READS, WorkQueue.OPENPROSPECT_STARTS);
        order.took(WorkQueue.OPENPROSPECT_READS);
        assertThat(order.next()).containsSubsequence(WorkQueue.OPENPROSPECT_STARTS, WorkQueue.OPENPROSPECT_READS);
    }
}
