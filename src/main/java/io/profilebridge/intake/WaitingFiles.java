package io.profilebridge.intake;

import io.profilebridge.job.Job;
import io.profilebridge.job.JobStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Inbox files that repeat a job still running from another file (the same explicit key, or the same name and body in
 * another folder). Such a file must get its own result where it was dropped, and the job's result is not known yet:
 * it stays in the inbox, not taken again while the job runs ({@link InboxFileFilter}), and once the job is done it is
 * taken like any file dropped again after its job, which gets the stored result. In memory only: after a restart the
 * file is simply taken again and waits again.
 */
public final class WaitingFiles {

    /** Knows of no waiting file (an inbox filter made by a route file of its own, {@link InboxFileFilter#InboxFileFilter()}). */
    static final WaitingFiles NONE = new WaitingFiles(null);

    private final JobStore store;
    /** The file's absolute path, and the job it waits for. */
    private final Map<String, String> waiting = new ConcurrentHashMap<>();

    public WaitingFiles(JobStore store) {
        this.store = store;
    }

    /** The file waits for the job; false when it was waiting already (its log line was written). */
    boolean waitFor(String path, String jobId) {
        return waiting.put(path, jobId) == null;
    }

    /** True while the file's job runs; once it is done (or gone), the file is taken again. */
    boolean stillWaiting(String path) {
        String jobId = waiting.get(path);
        if (jobId == null) {
            return false;
        }
        boolean running = store.findById(jobId)
                .map(Job::state)
                .filter(state -> !state.isFinal())
                .isPresent();
        if (!running) {
            waiting.remove(path);
        }
        return running;
    }
}
