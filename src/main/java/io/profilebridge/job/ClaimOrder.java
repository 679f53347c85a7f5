package io.profilebridge.job;

import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a claim takes the work queues: results waiting first, then the APIs in turn, each claim starting
 * with the next; within OpenProspect its creations and status reads going first by turns; within Orbit a start first,
 * then the profiles of finished runs and status reads, going first by turns. Used by the claiming thread alone.
 */
final class ClaimOrder {

    /** Results waiting first: a delivery calls no API. */
    private static final List<WorkQueue> FIRST = List.of(WorkQueue.DELIVERIES);

    /**
     * Then the APIs take turns. OpenProspect's creations and status reads share its one place in the gate and its
     * budget: always by due time, a backlog of creations kept the runs started unread until the last creation went
     * (inbox-flood audit).
     */
    private static final List<WorkQueue> OPENPROSPECT =
            List.of(WorkQueue.OPENPROSPECT_STARTS, WorkQueue.OPENPROSPECT_READS);

    private static final List<WorkQueue> OPENPROSPECT_READS_FIRST =
            List.of(WorkQueue.OPENPROSPECT_READS, WorkQueue.OPENPROSPECT_STARTS);

    /**
     * Within Orbit a start goes first (the three share Orbit's one place in the call gate, and a start is what the
     * documented limit counts), then the profiles of finished runs and status reads take turns going first: with the
     * profiles always first, two runs naming thousands of candidates kept every status read waiting for minutes
     * (hostile-API audit).
     */
    private static final List<WorkQueue> ORBIT =
            List.of(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_OUTPUTS, WorkQueue.ORBIT_READS);

    private static final List<WorkQueue> ORBIT_READS_FIRST =
            List.of(WorkQueue.ORBIT_STARTS, WorkQueue.ORBIT_READS, WorkQueue.ORBIT_OUTPUTS);

    private int turn;
    private boolean readsFirst;
    private boolean openProspectReadsFirst;

    /** The queues of the next claim, the API whose turn it is first. */
    List<WorkQueue> next() {
        List<List<WorkQueue>> inTurn = inTurn();
        List<WorkQueue> order = new ArrayList<>(FIRST);
        int first = turn++ % inTurn.size();
        for (int i = 0; i < inTurn.size(); i++) {
            order.addAll(inTurn.get((first + i) % inTurn.size()));
        }
        return order;
    }

    /** The APIs' queues, OpenProspect's and Orbit's reads in the order of their turn. */
    List<List<WorkQueue>> inTurn() {
        return List.of(
                openProspectReadsFirst ? OPENPROSPECT_READS_FIRST : OPENPROSPECT,
                readsFirst ? ORBIT_READS_FIRST : ORBIT);
    }

    /**
     * A claim took jobs of the queue: of OpenProspect's creations and status reads, and of Orbit's profile and status
     * reads, the other goes first next time (review:
     * flipped per claim, an even count of claims between two hand-backs of Orbit's place gave the same one the place
     * each time).
     */
    void took(WorkQueue queue) {
        if (queue == WorkQueue.ORBIT_OUTPUTS || queue == WorkQueue.ORBIT_READS) {
            readsFirst = queue == WorkQueue.ORBIT_OUTPUTS;
        } else if (OPENPROSPECT.contains(queue)) {
            openProspectReadsFirst = queue == WorkQueue.OPENPROSPECT_STARTS;
        }
    }
}
