package io.profilebridge.crash;

import io.profilebridge.BridgeMain;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;

/**
 * The packaged bridge with one crash point armed: {@code java -cp profile-bridge.jar:test-classes
 * io.profilebridge.crash.CrashingBridge}, {@code CRASH_POINT} naming a {@link CrashPoint} and {@code CRASH_ARRIVALS}
 * how many requests must reach it before the JVM halts (1 when unset). Test code only: the jar has neither this
 * entry point nor the hooks, so no configuration of the product can arm a crash point. Without
 * {@code CRASH_POINT} it is the plain bridge.
 */
public final class CrashingBridge {

    private CrashingBridge() {}

    public static void main(String[] args) throws Exception {
        Main main = BridgeMain.createMain();
        String point = System.getenv("CRASH_POINT");
        if (point != null && !point.isBlank()) {
            String arrivals = System.getenv("CRASH_ARRIVALS");
            CrashHooks hooks = new CrashHooks(
                    CrashPoint.valueOf(point.trim()), arrivals == null ? 1 : Integer.parseInt(arrivals.trim()));
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport configured) {
                    // every configuration has run (the HTTP components have their configurer); no route has started
                    hooks.installInto(configured.getCamelContext());
                }
            });
        }
        main.run(args);
    }
}
