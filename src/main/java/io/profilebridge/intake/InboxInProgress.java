package io.profilebridge.intake;

import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

/**
 * The files one inbox route is taking in, each held from its listing until its exchange completes: a plain map of
 * those files alone. Camel 4.18's default (an LRU cache of 50,000) keeps every name it ever held in its change list, so
 * a long-running inbox kept ~170 bytes per file for good, and past 100,000 names each take swept that list under the
 * cache's lock, 77 ms a file and growing (growth audit; CAMEL-23267 replaced that cache in a later Camel).
 */
public class InboxInProgress extends MemoryIdempotentRepository {

    public InboxInProgress() {
        super(new ConcurrentHashMap<>());
    }
}
