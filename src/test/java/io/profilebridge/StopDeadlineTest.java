package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Slow-disk audit: a SIGTERM during a 120 s disk stall ended the process after 117 s, Camel's own forcing long done.
 * A stop that something holds ends at the deadline, as a SIGKILL would end it.
 */
class StopDeadlineTest {

    /** A JVM whose stop a shutdown hook holds for good, with a 1.5 s deadline. */
    public static final class HeldStop {
        public static void main(String[] args) {
            StopDeadline.install(() -> 1_500);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            System.exit(0);
        }
    }

    @Test
    void aStopThatSomethingHoldsEndsAtTheDeadline() throws Exception {
        Process process = TestJvm.running(HeldStop.class.getName()).start();
        boolean ended = process.waitFor(30, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
        }
        assertThat(ended).as("the process ended").isTrue();
        assertThat(process.exitValue()).isEqualTo(StopDeadline.EXIT_CODE);
        assertThat(new String(process.getInputStream().readAllBytes())).contains("The stop has run for 1 s");
    }
}
