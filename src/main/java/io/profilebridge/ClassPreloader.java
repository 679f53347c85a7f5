package io.profilebridge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * Loads the classes a start needs (start-up-classes.txt, written by bench/start-up-classes.sh) on a thread of its
 * own, ahead of the main thread, which then finds most of them loaded: the start loads some 8,000 classes from the jar
 * and the JDK, one after the other on the main thread, while the second core idles for much of the first seconds.
 * Loaded, not initialised: no static initialiser of the list runs early or on this thread. (A class-data-sharing
 * archive does more, but needs a JVM option that {@code java -jar} cannot take from the jar; Spring Boot's background
 * pre-initialiser is the same idea.) {@code BRIDGE_PRELOAD_CLASSES=false} or
 * {@code -Dbridge.preload-classes=false} turns it off.
 */
final class ClassPreloader {

    static final String LIST = "start-up-classes.txt";
    static final LaunchSetting SETTING =
            new LaunchSetting("bridge.preload-classes", "BRIDGE_PRELOAD_CLASSES", List.of("true", "false"));

    private ClassPreloader() {}

    static void startBeside() {
        if (!Boolean.parseBoolean(SETTING.atLaunch())) {
            return;
        }
        Thread thread = new Thread(ClassPreloader::loadAll, "class-preloader");
        thread.setDaemon(true);
        thread.start();
    }

    private static void loadAll() {
        try {
            // the one thing set up ahead: the JDK's trust store, which the HTTP component's TLS context reads while
            // the routes are built (0.2 s on the main thread); the JDK keeps it for every later TLS context
            SSLContext.getDefault();
        } catch (NoSuchAlgorithmException e) {
            // then the HTTP component meets the same failure, and reports it
        }
        InputStream list = ClassPreloader.class.getResourceAsStream(LIST);
        if (list != null) {
            load(list, ClassPreloader.class.getClassLoader());
        }
    }

    /** Loads each class named, one per line; a name it cannot load is passed over, and the list closed. */
    static void load(InputStream list, ClassLoader loader) {
        try (BufferedReader names = new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8))) {
            for (String name; (name = names.readLine()) != null; ) {
                try {
                    Class.forName(name, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    // not in this build or not loadable here: the main thread meets it as it would have anyway
                }
            }
        } catch (IOException e) {
            // the list only saves time; the start does not need it
        }
    }
}
