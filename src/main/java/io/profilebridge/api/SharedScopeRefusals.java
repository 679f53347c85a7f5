package io.profilebridge.api;

import io.profilebridge.Sha256;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiPredicate;
import org.apache.camel.component.http.HttpMethods;

/**
 * Refusals of one method's calls of a bucket that serves both methods (OpenProspect's: a 403 for want of the
 * {@code orders:write} or {@code orders:read} scope, or a 402), kept in the shared store as the refusals of whole
 * buckets are ({@link ApiBudgets#refused}): every instance of the key leaves those calls to the refused instance's next
 * probe, so the API sees one probe per hold interval, not one per instance (hold audit: each instance held the scope
 * on its own and probed it on its own clock). One row per scope in {@code bridge_api_budget}, named by a hash of
 * bucket, method and key; its pause lasts one probe interval from the refusal, which the refused instance renews at
 * each probe it is refused.
 */
final class SharedScopeRefusals {

    private record Scope(ApiBucket bucket, HttpMethods method) {}

    /** A scope's row and what this process last read of it (this process's time; the cause as stored). */
    private static final class Row {
        final long id;
        volatile long pausedUntil;
        volatile String cause;

        Row(long id, SharedBudgetRows.Row read) {
            this.id = id;
            see(read);
        }

        void see(SharedBudgetRows.Row read) {
            pausedUntil = read.pausedUntil();
            cause = read.pauseCause();
        }
    }

    private final SharedBudgetRows rows;
    /** Filled at construction, only read after. */
    private final Map<Scope, Row> byScope = new HashMap<>();

    private SharedScopeRefusals(SharedBudgetRows rows) {
        this.rows = rows;
    }

    /** The scope rows of every bucket with a key that serves both methods, created if no instance made them yet. */
    static SharedScopeRefusals of(SharedBudgetRows rows, ApiCredentials credentials, long now) {
        SharedScopeRefusals refusals = new SharedScopeRefusals(rows);
        for (Api api : Api.values()) {
            ApiBucket bucket = ApiBucket.forCall(api, HttpMethods.POST);
            if (bucket != ApiBucket.forCall(api, HttpMethods.GET)) {
                continue; // its methods have buckets of their own: a refusal of one holds that whole bucket
            }
            credentials.key(api).ifPresent(key -> {
                for (HttpMethods method : List.of(HttpMethods.GET, HttpMethods.POST)) {
                    String name = bucket.id() + " " + method;
                    // a hash of the name, which holds the key, so the key itself is never stored
                    long id = Sha256.rowId(name + ":" + key);
                    refusals.byScope.put(new Scope(bucket, method), new Row(id, rows.ensure(id, name, 0, now)));
                }
            });
        }
        return refusals;
    }

    /** This instance's {@code method} calls of the bucket were refused: the others make none until {@code until}. */
    void refused(ApiBucket bucket, HttpMethods method, long until, String cause, long now) {
        Row row = byScope.get(new Scope(bucket, method));
        if (row != null) {
            rows.pause(row.id, until, cause, now);
            row.pausedUntil = Math.max(row.pausedUntil, until);
            row.cause = cause;
        }
    }

    /**
     * Whether an instance's refusal holds the {@code method} calls of the bucket now, read from the store: a claim
     * must see a refusal another instance was given a moment ago.
     */
    boolean held(ApiBucket bucket, HttpMethods method, long now) {
        Row row = byScope.get(new Scope(bucket, method));
        if (row == null) {
            return false;
        }
        row.pausedUntil = rows.pausedUntil(row.id, now);
        return row.pausedUntil > now;
    }

    /** Takes up what the tick read of the shared rows. */
    void see(Map<Long, SharedBudgetRows.Row> read) {
        byScope.values().forEach(row -> {
            SharedBudgetRows.Row seen = read.get(row.id);
            if (seen != null) {
                row.see(seen);
            }
        });
    }

    /** The stored cause of a refusal of some calls of the bucket that {@code shown} shows, given its method and end. */
    Optional<String> cause(ApiBucket bucket, BiPredicate<HttpMethods, Long> shown) {
        return byScope.entrySet().stream()
                .filter(entry -> entry.getKey().bucket() == bucket
                        && shown.test(entry.getKey().method(), entry.getValue().pausedUntil))
                .map(entry -> entry.getValue().cause)
                .filter(Objects::nonNull)
                .findFirst();
    }
}
