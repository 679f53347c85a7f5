package io.profilebridge.operations;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.profilebridge.Json;
import io.profilebridge.job.Job;

/** How a job looks to an operator: state, attempts, next attempt, last error, remote id. Never a key or a body. */
final class JobView {

    private JobView() {
    }

    static ObjectNode of(Job job) {
        ObjectNode node = Json.object();
        node.put("jobId", job.id());
        node.put("api", job.api().id());
        node.put("idempotencyKey", job.idempotencyKey());
        node.put("state", job.state().name().toLowerCase());
        node.put("outcome", job.outcome());
        node.put("attempts", job.attempts());
        node.put("polls", job.polls());
        node.put("nextAttemptAt", time(job.nextAttemptAt()));
        node.set("lastError", Json.parseStored(job.lastError()));
        node.put("remoteId", job.remoteId());
        node.set("source", job.source().toJson());
        node.put("createdAt", time(job.createdAt()));
        node.put("updatedAt", time(job.updatedAt()));
        node.put("finishedAt", time(job.finishedAt()));
        return node;
    }

    static String time(Long millis) {
        return millis == null ? null : Instant.ofEpochMilli(millis).toString();
    }
}
