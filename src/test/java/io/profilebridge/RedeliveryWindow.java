package io.profilebridge;

import io.profilebridge.job.JobStoreDataSource;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.ToLongFunction;

/**
 * How long after a request's first result a second one could still arrive, if the bridge were to send it twice:
 * computed from the settings that drive every mechanism that sends again, so a test that counts results over this
 * window has seen every duplicate there could be. Those mechanisms: a job whose delivery was not recorded (a crash,
 * a failed send) delivers again after its backoff, at most {@code bridge.retry.max-delay-ms}, claimed at the next
 * tick; on a shared store another instance takes such a job over after {@code bridge.cluster.takeover-ms}; a JMS
 * request whose consumer died is redelivered after {@code bridge.jms.redelivery-delay-ms}, doubling, up to
 * {@code bridge.jms.max-delivery-attempts} deliveries. Keys a test does not set have the packaged defaults.
 */
public final class RedeliveryWindow {

    private RedeliveryWindow() {}

    public static Duration of(Map<String, String> properties) {
        Properties defaults = packagedDefaults();
        ToLongFunction<String> setting = key -> Long.parseLong(
                properties.getOrDefault(key, defaults.getProperty(key)).trim());
        long tick = setting.applyAsLong("bridge.poll.tick-ms");
        long jobBackoff = setting.applyAsLong("bridge.retry.max-delay-ms");
        long jmsRedelivery = 0;
        long delay = setting.applyAsLong("bridge.jms.redelivery-delay-ms");
        for (long attempt = 1; attempt < setting.applyAsLong("bridge.jms.max-delivery-attempts"); attempt++) {
            jmsRedelivery += delay;
            delay *= 2;
        }
        String store = properties.getOrDefault("bridge.store.url", "");
        long takeover = JobStoreDataSource.isPostgres(store)
                ? setting.applyAsLong("bridge.cluster.takeover-ms") + setting.applyAsLong("bridge.cluster.heartbeat-ms")
                : 0;
        // one mechanism may follow another (a request redelivered to an instance that dies before recording its
        // delivery), so the window is their sum
        return Duration.ofMillis(jobBackoff + takeover + jmsRedelivery + 2 * tick);
    }

    private static Properties packagedDefaults() {
        Properties defaults = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of("config/application.properties"))) {
            defaults.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return defaults;
    }
}
