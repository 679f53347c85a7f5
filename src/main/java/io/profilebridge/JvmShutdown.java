package io.profilebridge;

/** Whether the JVM is shutting down: a SIGTERM can come while the bridge still starts. */
final class JvmShutdown {

    private JvmShutdown() {}

    /** True once the JVM runs its shutdown hooks (a SIGTERM; Camel's hang-up interceptor is one of them). */
    static boolean underWay() {
        Thread probe = new Thread(() -> {});
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException shuttingDown) {
            return true;
        }
    }
}
