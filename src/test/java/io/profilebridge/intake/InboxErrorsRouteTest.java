package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.LogCapture;
import io.profilebridge.delivery.RefusedResultLines;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What routes/inbox-errors.camel.yaml makes of a file the system cannot read now. */
class InboxErrorsRouteTest {

    @TempDir
    Path inbox;

    /**
     * Out of file descriptors, the file stays in the inbox and is tried again at each poll, named in one warning, with
     * no stack trace and no failed result (review: no test sent the exception through the route's handler).
     */
    @Test
    void aFileTheSystemCannotReadNowStaysInTheInboxInOneWarning() throws Exception {
        Path file = Files.writeString(inbox.resolve("a.json"), "{}");
        List<String> lines;
        try (LogCapture logs = LogCapture.start();
                DefaultCamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("inboxFileErrors", new InboxFileErrors(WaitingFiles.NONE));
            context.getRegistry().bind("intakeRetries", new RedeliveryPolicy());
            context.getRegistry().bind("refusedIntakeResultLines", new RefusedResultLines());
            PluginHelper.getRoutesLoader(context)
                    .loadRoutes(ResourceHelper.resolveResource(context, "file:routes/inbox-errors.camel.yaml"));
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("file:" + inbox + "?initialDelay=0&delay=20")
                            .routeId("inbox-test")
                            .routeConfigurationId("inbox-errors")
                            .setHeader(RequestAcceptance.INBOX_FOLDER, constant("openprospect"))
                            .throwException(new RequestReadLaterException(
                                    "cannot be read now: Too many open files; it stays in the inbox",
                                    new FileSystemException(file.toString(), null, "Too many open files")));
                }
            });
            NotifyBuilder threeTries = new NotifyBuilder(context)
                    .fromRoute("inbox-test")
                    .whenFailed(3)
                    .create();
            context.start();
            assertThat(threeTries.matches(10, TimeUnit.SECONDS)).isTrue();
            lines = logs.lines();
        }
        assertThat(file).exists();
        assertThat(lines)
                .filteredOn(line -> line.contains("openprospect/a.json: cannot be read now: Too many open files"))
                .hasSize(1);
        assertThat(lines).noneMatch(line -> line.contains(" ERROR ") || line.startsWith("\tat "));
    }
}
