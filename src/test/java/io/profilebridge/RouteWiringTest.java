package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.ResourceHelper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integrator-edits audit: a route file left out, or a misspelt endpoint or route configuration in one, gave a bridge
 * that started healthy and took every file, and delivered nothing (or polled nothing, or lost its outbox error
 * handling) without a log line. The start now stops, naming what does not fit.
 */
class RouteWiringTest {

    @TempDir
    Path root;

    @Test
    void aDeliveryRouteWhoseFromIsMisspeltStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("deliver-result.camel.yaml"),
                        "uri: direct:deliver-result\n",
                        "uri: direct:deliver-results\n"),
                "sends to direct:deliver-result, which no route reads");
    }

    /** Integrator audit: {@code file:results} wrote over another request's result, its name claimed in the outbox. */
    @Test
    void aResultFileEndpointOutsideTheOutboxStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("deliver-result.camel.yaml"),
                        "uri: file:{{bridge.outbox}}\n",
                        "uri: file:results\n"),
                "route deliver-result writes result files to file:results, not the outbox");
    }

    /** Re-check audit: the outbox's folder given another way, by toD, wrote over another request's result. */
    @Test
    void aResultFileEndpointGivenByToDStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> {
                    Path route = routes.resolve("deliver-result.camel.yaml");
                    RouteCopies.edit(route, "uri: file:{{bridge.outbox}}\n", "uri: file:results\n");
                    RouteCopies.edit(
                            route,
                            "                - to:\n                    uri: file:results",
                            "                - toD:\n                    uri: file:results");
                },
                "route deliver-result writes result files to file:results, not the outbox");
    }

    /**
     * Re-check audit: a file name of one's own (x-${header.bridgeResultFile}) wrote over another request's result, its
     * name claimed under the plain one; a routes audit had made such a name work, overwrites and all.
     */
    @Test
    void aResultFileEndpointUnderAnotherNameStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("deliver-result.camel.yaml"),
                        "fileName: \"${header.bridgeResultFile}\"",
                        "fileName: \"dated/${header.bridgeResultFile}\""),
                "route deliver-result writes result files under another name than the one claimed for them");
    }

    /** Integrator audit: a timer's request reached the intake after a clean start, and failed at each exchange. */
    @Test
    void anIntakeFedByATimerStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> write(routes.resolve("timer-requests.camel.yaml"), """
                        - route:
                            id: timer-requests
                            from:
                              uri: timer:requests
                              steps:
                                - setBody:
                                    constant: '{"email": "a@example.com"}'
                                - to: direct:accept-request
                        """),
                "route timer-requests reaches direct:accept-request from timer:requests, but the intake takes an inbox"
                        + " file");
    }

    @Test
    void anIntakeHandedToAWireTapStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("inbox-folder.camel.yaml"),
                        "- to: direct:accept-request",
                        "- wireTap:\n              uri: direct:accept-request"),
                "hands direct:accept-request to a wireTap");
    }

    @Test
    void anIntakeReachedThroughAWireTapIsNamedThroughOtherRoutes() {
        RouteDefinition accept = new RouteDefinition("direct:accept-request");
        accept.routeId("accept-request").log("taken");
        RouteDefinition stamp = new RouteDefinition("direct:stamp");
        stamp.routeId("stamp").setHeader("x").constant("y").to("direct:accept-request");
        RouteDefinition queue = new RouteDefinition("seda://intake?concurrentConsumers=2");
        queue.routeId("intake-queue").to("direct:stamp");
        RouteDefinition tapped = new RouteDefinition("file:inbox/orbit");
        tapped.routeId("inbox-orbit").wireTap("direct:stamp");
        RouteDefinition tappedQueue = new RouteDefinition("file:inbox/openprospect");
        tappedQueue.routeId("inbox-openprospect").wireTap("seda:intake");
        // fine: to: through routes of one's own, a seda: queue among them (it hands the file's move on with the
        // exchange)
        RouteDefinition inTurn = new RouteDefinition("file:inbox");
        inTurn.routeId("inbox-envelope").to("seda:intake");

        assertThat(new RouteWiring(Set.of(), null, null)
                        .problems(List.of(accept, stamp, queue, tapped, tappedQueue, inTurn), List.of(), uri -> uri))
                .containsExactlyInAnyOrder(
                        "route inbox-orbit hands direct:stamp (which leads to direct:accept-request) to a wireTap: the"
                                + " intake must run in the route that took the file or message (use to:), whose move"
                                + " or commit follows its answer",
                        "route inbox-openprospect hands seda:intake (which leads to direct:accept-request) to a"
                                + " wireTap: the intake must run in the route that took the file or message (use to:),"
                                + " whose move or commit follows its answer");
        assertThat(new RouteWiring(Set.of(), null, null)
                        .problems(List.of(accept, stamp, queue, inTurn), List.of(), uri -> uri))
                .isEmpty();
    }

    /** Review: a JMS route's transaction commits once it hands the message to a seda: queue, before the intake ran. */
    @Test
    void jmsRequestsQueuedBetweenRoutesOnTheirWayToTheIntakeAreNamed() {
        RouteDefinition accept = new RouteDefinition("direct:accept-request");
        accept.routeId("accept-request").log("taken");
        RouteDefinition requests = new RouteDefinition("jms:queue:profile-bridge.requests");
        requests.routeId("jms-requests").to("direct:stamp");
        RouteDefinition stamp = new RouteDefinition("direct:stamp");
        stamp.routeId("stamp").to("seda:intake");
        RouteDefinition queue = new RouteDefinition("seda:intake");
        queue.routeId("intake-queue").to("direct:accept-request");

        assertThat(new RouteWiring(Set.of(), "profile-bridge.requests", null)
                        .problems(List.of(accept, requests, stamp, queue), List.of(), uri -> uri))
                .containsExactly("JMS requests reach direct:accept-request through seda:intake, a queue between routes:"
                        + " the message's transaction commits when the JMS route hands it on, before the intake ran"
                        + " (use to: and direct: routes after a jms: consumer)");
    }

    @Test
    void aMissingPollTriggerStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> delete(routes.resolve("poll-due-jobs.camel.yaml")),
                "sends to direct:dispatch-due-jobs: the poll trigger");
    }

    @Test
    void aMisspeltRouteConfigurationStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("deliver-result.camel.yaml"),
                        "routeConfigurationId: delivery-errors",
                        "routeConfigurationId: delivery-error"),
                "route deliver-result names routeConfigurationId delivery-error, which no routeConfiguration defines");
    }

    @Test
    void anInboxRouteCopiedWithItsIdStopsTheStart() throws IOException {
        assertStopsWith(
                routes -> copy(
                        routes.resolve("inbox-orbit.camel.yaml"),
                        routes.resolve("inbox-orbit-eu.camel.yaml"),
                        "value: orbit\n      - name: api",
                        "value: orbit-eu\n      - name: api"),
                "two routes have the id inbox-orbit (");
    }

    @Test
    void anInboxFolderWhoseApiIsNoApiStopsTheStart() throws IOException {
        // lifecycle audit: an edited copy with api deepsearch started, and refused every file dropped there
        assertStopsWith(
                routes -> RouteCopies.edit(
                        routes.resolve("inbox-orbit.camel.yaml"),
                        "name: api\n        value: orbit",
                        "name: api\n        value: deepsearch"),
                "route inbox-orbit sets api deepsearch, which is no API: openprospect, orbit, or empty for a folder of"
                        + " envelopes");
    }

    @Test
    void anInboxFolderWhoseApiIsAPlaceholderIsJudgedByItsValue() {
        // review: a placeholder api, which the template resolves as its own, stopped the start
        RouteDefinition inbox = new RouteDefinition("file:inbox/orbit");
        inbox.routeId("inbox-orbit").to("direct:accept-request");
        inbox.setTemplateParameters(Map.of("folder", "orbit", "api", "{{my.inbox.api}}"));
        RouteDefinition accept = new RouteDefinition("direct:accept-request");
        accept.routeId("accept-request").log("taken");
        RouteWiring wiring = new RouteWiring(Set.of(), null, null);
        assertThat(wiring.problems(List.of(inbox, accept), List.of(), uri -> uri.replace("{{my.inbox.api}}", "orbit")))
                .isEmpty();
        assertThat(wiring.problems(List.of(inbox, accept), List.of(), uri -> uri.replace("{{my.inbox.api}}", " ")))
                .as("blank: a folder of envelopes")
                .isEmpty();
        assertThat(wiring.problems(List.of(inbox, accept), List.of(), uri -> uri.replace("{{my.inbox.api}}", "deep")))
                .containsExactly("route inbox-orbit sets api deep, which is no API: openprospect, orbit, or empty for a"
                        + " folder of envelopes");
    }

    @Test
    void anInboxFolderThatIsNotOneNameBelowTheInboxStopsTheStart() {
        // integrator audit: ../outside read a folder beside the inbox and started paid runs whose results could not be
        // written; x?recursive=true gave the file endpoint options; a/b was warned of as unread
        RouteDefinition accept = new RouteDefinition("direct:accept-request");
        accept.routeId("accept-request").log("taken");
        RouteWiring wiring = new RouteWiring(Set.of(), null, null);
        for (String folder : List.of("../outside", "x?recursive=true", "a/b", "/tmp/abs", "a\\b", ".hidden", "in%41")) {
            RouteDefinition inbox = new RouteDefinition("file:inbox/x");
            inbox.routeId("inbox-x").to("direct:accept-request");
            inbox.setTemplateParameters(Map.of("folder", folder, "api", "orbit"));
            assertThat(wiring.problems(List.of(inbox, accept), List.of(), uri -> uri))
                    .as(folder)
                    .containsExactly("route inbox-x sets folder " + folder + ", which is not one folder name below the"
                            + " inbox: no / or \\, no ? % # or control characters, not starting with a dot (.done and"
                            + " .failed hold the taken files)");
        }
        for (String folder : List.of("orbit", "", "orbit-priority", "Orbit EU", "a..b")) {
            RouteDefinition inbox = new RouteDefinition("file:inbox/x");
            inbox.routeId("inbox-x").to("direct:accept-request");
            inbox.setTemplateParameters(Map.of("folder", folder, "api", "orbit"));
            assertThat(wiring.problems(List.of(inbox, accept), List.of(), uri -> uri))
                    .as(folder)
                    .isEmpty();
        }
    }

    @Test
    void aReloadThatDefinesARouteOfAnotherFileIsNamed() {
        // integrator audit: a route with id deliver-result added by a reload to a file of one's own replaced the
        // packaged one without a word, and each result was marked delivered with nothing written
        RouteWiring wiring = new RouteWiring(Set.of(), null, null);
        RouteDefinition packaged = new RouteDefinition("direct:deliver-result");
        packaged.routeId("deliver-result").log("written");
        packaged.setResource(ResourceHelper.fromString("file:routes/deliver-result.camel.yaml", ""));
        RouteDefinition own = new RouteDefinition("direct:emails");
        own.routeId("inbox-emails").log("taken");
        own.setResource(ResourceHelper.fromString("file:routes/inbox-emails.camel.yaml", ""));
        assertThat(wiring.replacedByAReload(List.of(packaged, own)))
                .as("the start")
                .isEmpty();
        assertThat(wiring.replacedByAReload(List.of(packaged, own)))
                .as("a reload of either file")
                .isEmpty();

        RouteDefinition hijack = new RouteDefinition("direct:deliver-result");
        hijack.routeId("deliver-result").log("HIJACK");
        hijack.setResource(ResourceHelper.fromString("file:routes/inbox-emails.camel.yaml", ""));
        assertThat(wiring.replacedByAReload(List.of(hijack, own)))
                .containsExactly("a reload of file:routes/inbox-emails.camel.yaml replaced route deliver-result of"
                        + " file:routes/deliver-result.camel.yaml by one of the same id: give each route its own id,"
                        + " then restart the bridge to have the replaced route back");
        assertThat(wiring.replacedByAReload(List.of(hijack, own)))
                .as("re-check audit: named again at each reload, the mended file too")
                .isEmpty();
    }

    @Test
    void aMisspeltRequestsQueueIsNamed() {
        RouteDefinition misspelt = new RouteDefinition("jms:queue:profile-bridge.request");
        misspelt.routeId("jms-requests").to("direct:accept-request");
        RouteDefinition accept = new RouteDefinition("direct:accept-request");
        accept.routeId("accept-request").log("taken");
        assertThat(new RouteWiring(Set.of(), "profile-bridge.requests", null)
                        .problems(List.of(misspelt, accept), List.of(), uri -> uri))
                .containsExactly("no route reads the JMS requests queue jms:queue:profile-bridge.requests"
                        + " (bridge.jms.requests; routes/jms-requests.camel.yaml left out, or its uri misspelt)");
        assertThat(new RouteWiring(Set.of(), "profile-bridge.request", null)
                        .problems(List.of(misspelt, accept), List.of(), uri -> uri))
                .isEmpty();
    }

    private void assertStopsWith(Consumer<Path> change, String message) throws IOException {
        Path routes = RouteCopies.copy(root);
        change.accept(routes);
        Map<String, String> properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        properties.put("camel.main.routes-include-pattern", RouteCopies.includePattern(routes));
        try (LogCapture log = LogCapture.start()) {
            assertThatThrownBy(() -> BridgeRun.start(root, properties).close())
                    .rootCause()
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("the routes do not fit together: ")
                    .hasMessageContaining(message);
            // integrator audit: Camel's ERROR and a 15-line stack trace came before the bridge's one line
            assertThat(log.lines()).noneMatch(line -> line.contains("Error starting CamelContext"));
        }
    }

    private static void copy(Path file, Path copy, String from, String to) {
        try {
            Files.copy(file, copy);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RouteCopies.edit(copy, from, to);
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path file) {
        try {
            Files.delete(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
