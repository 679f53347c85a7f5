package io.profilebridge.operations;

import io.profilebridge.job.JobStore;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** Pending jobs sampled at a fixed interval, kept for the last hour, for the status page's chart. */
public class BacklogHistory {

    /** One sample: when, and how many jobs were pending then. */
    public record Sample(long at, long pending) {}

    private static final long HOUR_MS = 3_600_000;

    private final JobStore store;
    private final Deque<Sample> samples = new ArrayDeque<>();

    public BacklogHistory(JobStore store) {
        this.store = store;
    }

    public synchronized void sample() {
        long now = store.now();
        long pending = store.countPending();
        samples.addLast(new Sample(now, pending));
        while (!samples.isEmpty() && samples.peekFirst().at() < now - HOUR_MS) {
            samples.removeFirst();
        }
    }

    public synchronized List<Sample> lastHour() {
        return new ArrayList<>(samples);
    }
}
