package io.profilebridge.operations;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM's meters on /observe/metrics: Micrometer's own binders for memory, GC, threads, class loading, process
 * CPU and uptime. Bound here rather than listed in {@code camel.metrics.binders}, so that the one flag
 * {@code bridge.metrics.camel-and-jvm} switches them together with Camel's route metrics.
 */
public final class JvmMetrics {

    private JvmMetrics() {}

    /** Binds them all; close the answer on shutdown (the GC binder listens to the JVM's GC notifications). */
    public static AutoCloseable bindTo(MeterRegistry registry) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return gc;
    }
}
