package io.profilebridge.job;

import io.profilebridge.Sha256;
import io.profilebridge.jms.BrokerAddresses;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * What the instances on one shared store must have alike, as each publishes it in its session's row
 * ({@code bridge_instance.key_fingerprint}): the fingerprint of its API keys (the budgets belong to the key) and of the
 * JMS broker it takes requests from and delivers their results to (any instance may deliver any job's result).
 *
 * @param keys the API keys' fingerprint (ApiCredentials.fingerprint), never a key
 * @param broker the broker's: "none" with JMS off, a digest of the external broker's URL, a digest of this start
 *     alone for an embedded broker, which no other instance reaches
 */
public record InstanceSetup(String keys, String broker) {

    private static final String BROKER = ";jms=";

    /**
     * The setup of an instance whose JMS is on (with the broker's URL, null for an embedded one) or off. A URL stands
     * for the brokers it names, whatever its parameters, user, order or case (black-box re-check: a retryInterval
     * parameter on one instance refused the others); its loopback hosts for the broker of the machine named.
     */
    public static InstanceSetup of(String keysFingerprint, boolean jms, String brokerUrl, Supplier<String> machine) {
        String broker = !jms
                ? "none"
                : Sha256.hex(
                                brokerUrl != null
                                        ? BrokerAddresses.identity(brokerUrl, machine)
                                        : "embedded " + UUID.randomUUID())
                        .substring(0, 16);
        return new InstanceSetup(keysFingerprint, broker);
    }

    /** As the session's row keeps it. */
    public String stored() {
        return keys + BROKER + broker;
    }

    /** A session row's setup, as published; the release before this one's (keys only) names no broker. */
    public static InstanceSetup parse(String stored) {
        int at = stored.lastIndexOf(BROKER);
        return at < 0
                ? new InstanceSetup(stored, null)
                : new InstanceSetup(stored.substring(0, at), stored.substring(at + BROKER.length()));
    }
}
