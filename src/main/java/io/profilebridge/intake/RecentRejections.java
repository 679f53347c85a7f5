package io.profilebridge.intake;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import io.profilebridge.api.ApiError;

/**
 * The last requests rejected at intake (unreadable, invalid, unknown api). They never become jobs, so the status
 * page shows them from here; their failed results went out like any other.
 */
public class RecentRejections {

    /** One rejected request: when, which API it named, where it came from, and why. */
    public record Rejection(long at, String api, String source, ApiError error) {
    }

    private static final int KEPT = 20;

    private final Deque<Rejection> rejections = new ArrayDeque<>();

    public synchronized void add(Rejection rejection) {
        rejections.addFirst(rejection);
        while (rejections.size() > KEPT) {
            rejections.removeLast();
        }
    }

    /** Newest first. */
    public synchronized List<Rejection> list() {
        return new ArrayList<>(rejections);
    }
}
