package io.profilebridge.api;

/**
 * One INFO line a minute for a bucket's event of one kind, the ones in between logged at DEBUG and counted in the next
 * INFO line (operations audit: a 503 outage logged a pause line a second for every bucket; outage audit: a 429 storm's
 * rate changes 8 to 14 lines a minute). Its caller holds the lock its events are decided under.
 */
final class CountedLine {

    private final long intervalMs;
    private final String counted;
    private String kind;
    private long loggedAt;
    private long notLogged;

    /** {@code counted}: what the next INFO line says were not logged ("pauses", "changes"). */
    CountedLine(long intervalMs, String counted) {
        this.intervalMs = intervalMs;
        this.counted = counted;
    }

    /**
     * The end of the line when this event goes at INFO ("", or "; N more pauses (503) since the last line"), or null
     * when it goes at DEBUG: the same kind was logged less than the interval ago. Another kind goes at INFO at once.
     */
    String infoEnding(String kind, long now) {
        if (kind.equals(this.kind) && now - loggedAt < intervalMs) {
            notLogged++;
            return null;
        }
        String since = notLogged == 0
                ? ""
                : "; " + notLogged + " more " + counted + (this.kind.isEmpty() ? "" : " (" + this.kind + ")")
                        + " since the last line";
        this.kind = kind;
        loggedAt = now;
        notLogged = 0;
        return since;
    }
}
