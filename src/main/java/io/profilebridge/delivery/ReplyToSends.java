package io.profilebridge.delivery;

import java.util.concurrent.ConcurrentHashMap;

/**
 * At most a share of the JMS send places for the results to one JMSReplyTo at once, the jobs' deliveries and the later
 * callers' sweep together. A caller's reply address the broker holds sends for (full under address-full-policy BLOCK,
 * which has no timeout) took every place, and no other caller got a result until it was read (reply-to audit: 10
 * healthy results 2 min 40 s late behind 12 held ones). The results and failed queues are every caller's, and are not
 * shared out here.
 */
public final class ReplyToSends {

    private final int perReplyTo;
    /** The sends out now per reply address; an address with none has no entry, so the map holds only those in use. */
    private final ConcurrentHashMap<String, Integer> sending = new ConcurrentHashMap<>();

    ReplyToSends(int perReplyTo) {
        this.perReplyTo = perReplyTo;
    }

    /**
     * A quarter of the JMS send places of the job workers ({@link DeliverJobRoute#jmsSendPlaces}) for one reply
     * address, at least one: the others always have most of them.
     */
    public static ReplyToSends ofWorkers(int workers) {
        return new ReplyToSends(Math.max(1, DeliverJobRoute.jmsSendPlaces(workers) / 4));
    }

    int perReplyTo() {
        return perReplyTo;
    }

    /**
     * Takes a place for a send to {@code replyTo}; false when its share is out already. A result with no JMSReplyTo
     * (null: the results or failed queue) always has one, and gives none back.
     */
    boolean take(String replyTo) {
        if (replyTo == null) {
            return true;
        }
        boolean[] taken = {false};
        sending.compute(replyTo, (address, out) -> {
            int now = out == null ? 0 : out;
            if (now >= perReplyTo) {
                return out;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    void give(String replyTo) {
        if (replyTo == null) {
            return;
        }
        sending.computeIfPresent(replyTo, (address, out) -> out <= 1 ? null : out - 1);
    }
}
