package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.job.ClosedStoreExit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An OutOfMemoryError at the top of a thread ends the process; any other error is left to the handler before it. */
class OutOfMemoryExitTest {

    private final List<Integer> halts = new ArrayList<>();
    private final List<Throwable> passedOn = new ArrayList<>();
    private final OutOfMemoryExit handler = new OutOfMemoryExit((thread, error) -> passedOn.add(error), halts::add);

    @Test
    void anOutOfMemoryErrorHaltsWithTheHeapsExitCode() {
        handler.uncaughtException(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
        assertThat(halts).containsExactly(ClosedStoreExit.EXIT_CODE);
        assertThat(passedOn).isEmpty();
    }

    @Test
    void aWantOfHeapIsFoundBelowTheExceptionsThatWrapIt() {
        // as Spring's JMS listener hands it on: Camel's exception around the error
        assertThat(OutOfMemoryExit.causedBy(
                        new RuntimeException("listener failed", new IllegalStateException(new OutOfMemoryError()))))
                .isTrue();
        assertThat(OutOfMemoryExit.causedBy(new RuntimeException("listener failed", new IllegalStateException())))
                .isFalse();
    }

    @Test
    void anyOtherErrorIsPassedOnAndTheProcessGoesOn() {
        IllegalStateException other = new IllegalStateException("a bug");
        handler.uncaughtException(Thread.currentThread(), other);
        assertThat(halts).isEmpty();
        assertThat(passedOn).containsExactly(other);
    }

    /** Anywhere audit: two threads that ran out at once printed the advice twice. */
    @Test
    void theAdviceIsPrintedOnceHoweverManyThreadsRunOut() {
        OutOfMemoryExit.ADVISED.set(false); // another test may have printed it in this JVM
        PrintStream before = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            handler.uncaughtException(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
            handler.uncaughtException(Thread.currentThread(), new OutOfMemoryError("Java heap space"));
        } finally {
            System.setErr(before);
        }
        assertThat(halts).containsExactly(ClosedStoreExit.EXIT_CODE, ClosedStoreExit.EXIT_CODE);
        assertThat(printed.toString(StandardCharsets.UTF_8).split("ran out of heap", -1))
                .hasSizeLessThanOrEqualTo(2);
    }
}
