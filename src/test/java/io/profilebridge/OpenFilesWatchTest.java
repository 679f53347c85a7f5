package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class OpenFilesWatchTest {

    @Test
    void runningOutOfFileHandlesIsSaidOnceAndTheirReturnToo() throws Exception {
        AtomicLong open = new AtomicLong(100);
        try (DefaultCamelContext context = new DefaultCamelContext();
                CapturedLog log = CapturedLog.start()) {
            OpenFilesWatch watch = new OpenFilesWatch(context, open::get, 1024, 16);
            watch.check();
            open.set(1010);
            watch.check();
            open.set(1024);
            watch.check();
            open.set(200);
            watch.check();
            watch.check();
            // at the limit, counting them fails: counting opens one more
            open.set(-1);
            watch.check();
            assertThat(log.lines().stream().filter(line -> line.startsWith(OpenFilesWatch.class.getName())))
                    .as("one line as they run out, one as they come back")
                    .satisfiesExactly(
                            line -> assertThat(line)
                                    .contains("holds 1010 of the 1024 files and sockets", "inbox files go unseen"),
                            line -> assertThat(line).contains("holds 200 of the 1024 files and sockets"),
                            line -> assertThat(line).contains("holds all of the 1024 files and sockets"));
        }
    }
}
