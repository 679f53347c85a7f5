package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.job.DeliveryPermission;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zombie audit: an instance frozen between its step's ownership check and the write woke after another had taken the
 * job over and delivered it, and wrote the result again (4 of 5 freezes gave a request two results). The question is
 * asked right before the write, and a withdrawn result is neither written nor sent.
 */
class DeliveryPermissionTest {

    @TempDir
    Path outbox;

    @Test
    void aResultOfAJobNoLongerThisInstancesIsNotWrittenNorSent() throws Exception {
        AtomicBoolean stillOurs = new AtomicBoolean(true);
        AtomicInteger sent = new AtomicInteger();
        ResultFiles results = new ResultFiles(outbox, new DeliveryRefusals(Clock.systemUTC()), "750", null);
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("resultFiles", results);
            camel.getRegistry().bind("oversizedResults", OversizedResults.unknownCap());
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    // the first and last steps of routes/deliver-result.camel.yaml and deliver-result-jms.camel.yaml
                    from("direct:file")
                            .bean("resultFiles", "claimName")
                            .to("file:" + outbox + "?fileName=${header.bridgeResultFile}");
                    from("direct:jms").bean("oversizedResults", "fit").process(exchange -> sent.incrementAndGet());
                }
            });
            camel.start();

            Exchange withdrawn = deliver(camel, "direct:file", "orbit/a.json", stillOurs, false);
            assertThat(outbox.resolve("orbit/a.json")).doesNotExist();
            assertThat(DeliveryPermission.withdrawn(withdrawn)).isTrue();
            Exchange notSent = deliver(camel, "direct:jms", "orbit/b.json", stillOurs, false);
            assertThat(DeliveryPermission.withdrawn(notSent)).isTrue();
            assertThat(sent).hasValue(0);

            Exchange written = deliver(camel, "direct:file", "orbit/a.json", stillOurs, true);
            assertThat(outbox.resolve("orbit/a.json")).exists();
            assertThat(DeliveryPermission.withdrawn(written)).isFalse();
            deliver(camel, "direct:jms", "orbit/b.json", stillOurs, true);
            assertThat(sent).hasValue(1);
        }
    }

    private static Exchange deliver(
            CamelContext camel, String route, String file, AtomicBoolean stillOurs, boolean ours) {
        stillOurs.set(ours);
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"outcome\":\"succeeded\"}");
        exchange.getMessage().setHeader(ResultHeaders.RESULT_FILE, file);
        exchange.getMessage().setHeader(ResultHeaders.JOB_ID, "job-" + file);
        exchange.setProperty(DeliveryPermission.MAY_DELIVER, (BooleanSupplier) stillOurs::get);
        return camel.createProducerTemplate().send(route, exchange);
    }
}
