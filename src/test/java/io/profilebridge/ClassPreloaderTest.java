package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The start-up class list and what the preloader does with it: load, never initialise, pass over what is gone. */
class ClassPreloaderTest {

    /** Set by its static initialiser: the preloader must not run it. */
    static volatile boolean initialised;

    static final class WithInitialiser {
        static {
            initialised = true;
        }
    }

    @Test
    void theClassesAreLoadedNotInitialisedAndANameNotFoundIsPassedOver() {
        List<String> asked = new CopyOnWriteArrayList<>();
        ClassLoader recording = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        String gone = "io.profilebridge.NoLongerThere";
        String present = WithInitialiser.class.getName();
        ClassPreloader.load(
                new ByteArrayInputStream((gone + "\n" + present + "\n").getBytes(StandardCharsets.UTF_8)), recording);

        assertThat(asked).containsExactly(gone, present);
        assertThat(initialised).as("a static initialiser run by the preloader").isFalse();
    }

    @Test
    void everyClassOfTheListFromTheJarIsInThisBuild() throws IOException {
        // a dependency upgrade that renames or drops classes leaves them in the list, loaded in vain; the JDK's own
        // classes are not checked (another JDK than the list's has others)
        Set<String> jdk = Set.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
        List<String> missing = new ArrayList<>();
        int fromTheJar = 0;
        try (InputStream list = ClassPreloader.class.getResourceAsStream(ClassPreloader.LIST)) {
            assertThat(list).as(ClassPreloader.LIST + " next to ClassPreloader").isNotNull();
            for (String name : new String(list.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (jdk.stream().anyMatch(name::startsWith)) {
                    continue;
                }
                fromTheJar++;
                if (getClass().getClassLoader().getResource(name.replace('.', '/') + ".class") == null) {
                    missing.add(name);
                }
            }
        }
        assertThat(fromTheJar).as("classes of the jar in the list").isGreaterThan(5000);
        assertThat(missing)
                .as("classes in the list that this build no longer has: run bench/start-up-classes.sh")
                .isEmpty();
    }

    @Test
    void onUnlessToldOtherwiseAndABadValueStopsTheStartNamingTheKey() {
        assertThat(ClassPreloader.SETTING.asked(Optional.empty(), Map.of())).isEqualTo("true");
        assertThat(ClassPreloader.SETTING.asked(Optional.empty(), Map.of("BRIDGE_PRELOAD_CLASSES", " FALSE ")))
                .isEqualTo("false");
        assertThatThrownBy(() -> ClassPreloader.SETTING.asked(Optional.of("no"), Map.of()))
                .isInstanceOf(StartupFailure.class)
                .hasMessage("property bridge.preload-classes must be true or false, not \"no\"");
    }
}
