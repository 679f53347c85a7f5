package io.profilebridge.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeRun;
import io.profilebridge.api.Api;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.model.ChoiceDefinition;
import org.apache.camel.model.EnrichDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.OutputNode;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.TryDefinition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route graph as Kaoto draws it (route ids and the {@code direct:} endpoints they send to), read from the routes
 * the real Main loads: every link is a literal name, every step of a job's life is a route of its own, and the
 * README's flow paragraph names exactly the routes of that path.
 */
class RouteGraphTest {

    private static final Pattern DIRECT = Pattern.compile("`direct:([a-z<>-]+)`");

    @TempDir
    Path root;

    /** route id -> the direct: names it sends to; direct: name -> the route consuming it. */
    private final Map<String, Set<String>> links = new TreeMap<>();

    private final Map<String, String> consumers = new TreeMap<>();
    private final List<String> dynamicSends = new java.util.ArrayList<>();
    /** Every endpoint each route sends to, by route id (the one whose outputs {@link #sends} reads now). */
    private final Map<String, Set<String>> endpoints = new TreeMap<>();

    private String reading;

    private final List<Object> inboxInProgress = new java.util.ArrayList<>();

    @Test
    void everyStepOfAJobIsARouteLinkedByLiteralDirectNames() throws IOException {
        Map<String, String> properties = BridgeRun.testProperties(root, "http://127.0.0.1:9");
        // every route loaded, the JMS ones too
        properties.put("bridge.jms.enabled", "true");
        properties.put("bridge.jms.embedded-url", "tcp://127.0.0.1:" + BridgeRun.freePort());
        try (BridgeRun bridge = BridgeRun.start(root, properties)) {
            bridge.context().getEndpoints().stream()
                    .filter(org.apache.camel.component.file.GenericFileEndpoint.class::isInstance)
                    .map(endpoint -> (org.apache.camel.component.file.GenericFileEndpoint<?>) endpoint)
                    .filter(endpoint -> endpoint.getEndpointUri().contains("inbox"))
                    .forEach(endpoint -> inboxInProgress.add(endpoint.getInProgressRepository()));
            ModelCamelContext model = (ModelCamelContext) bridge.context();
            for (RouteDefinition route : model.getRouteDefinitions()) {
                String from = route.getInput().getEndpointUri();
                if (from.startsWith("direct:")) {
                    consumers.put(name(from), route.getRouteId());
                }
                reading = route.getRouteId();
                links.put(route.getRouteId(), sends(route.getOutputs()));
            }
            model.getRouteConfigurationDefinitions().forEach(configuration -> {
                reading = configuration.getId();
                links.put(configuration.getId(), sends(List.copyOf(configuration.getOnExceptions())));
            });
        }

        // growth audit: Camel's default in-progress list of a file consumer kept every name it took, for good
        assertThat(inboxInProgress)
                .as("the inbox routes' in-progress repositories")
                .isNotEmpty()
                .allMatch(io.profilebridge.intake.InboxInProgress.class::isInstance);
        assertThat(dynamicSends)
                .as("sends whose endpoint is computed (toD): the graph cannot show them")
                .isEmpty();
        // CONTRACT 4, never seen half written: the result is written under the temporary name ResultFiles clears (and
        // OutboxLinksTest writes through) and renamed over its own earlier result (mutation audit: a result written in
        // place passed all but one slow test)
        assertThat(endpoints.get("deliver-result"))
                .filteredOn(uri -> uri.startsWith("file:"))
                .singleElement()
                .asString()
                .contains("tempFileName=.${file:onlyname}.part")
                .contains("fileExist=TryRename");
        Set<String> sentTo = new TreeSet<>();
        links.values().forEach(sentTo::addAll);
        assertThat(consumers.keySet())
                .as("every direct: endpoint sent to is a route")
                .containsAll(sentTo);

        assertThat(edges())
                .contains(
                        "poll-due-jobs -> dispatch-due-jobs",
                        "dispatch-due-jobs -> claim-due-jobs",
                        "dispatch-due-jobs -> hand-out-jobs",
                        "hand-out-jobs -> advance-job",
                        "give-back-place -> hand-on-places",
                        "hand-on-places -> hand-out-jobs",
                        "advance-job -> take-step",
                        "advance-job -> save-job",
                        "advance-job -> dispatch-due-jobs",
                        "take-step -> submit-openprospect",
                        "take-step -> poll-openprospect",
                        "take-step -> submit-orbit",
                        "take-step -> poll-orbit",
                        "take-step -> read-outputs-orbit",
                        "take-step -> deliver-job",
                        "submit-openprospect -> call-openprospect",
                        "poll-openprospect -> call-openprospect",
                        "submit-orbit -> call-orbit",
                        "poll-orbit -> call-orbit",
                        "read-outputs-orbit -> call-orbit",
                        "deliver-job -> deliver-result",
                        "deliver-result -> deliver-result-jms",
                        "inbox-orbit -> accept-request",
                        "jms-requests -> accept-request",
                        "accept-request -> deliver-intake-result-or-wait",
                        "deliver-intake-result-or-wait -> deliver-intake-result",
                        "deliver-intake-result -> deliver-result");

        Set<String> named = namedInTheReadmeFlow();
        Set<String> onThePath = reachableFrom("poll-due-jobs", "inbox-orbit", "jms-requests", "inbox-errors");
        assertThat(consumers.keySet())
                .as("the routes the README's flow paragraph names")
                .containsAll(named);
        assertThat(named)
                .as("the README's flow paragraph names every route of a job's path")
                .containsAll(onThePath);
    }

    private Set<String> sends(List<? extends ProcessorDefinition<?>> outputs) {
        Set<String> targets = new TreeSet<>();
        // a choice's when and otherwise clauses hold processors but are not processors themselves
        Deque<Object> todo = new ArrayDeque<>(outputs);
        Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        while (!todo.isEmpty()) {
            Object node = todo.pop();
            if (!seen.add(node)) {
                continue;
            }
            String uri = null;
            if (node instanceof SendDefinition<?> send) {
                uri = send.getEndpointUri();
            } else if (node instanceof ToDynamicDefinition dynamic) {
                uri = dynamic.getUri();
                if (node.getClass() == ToDynamicDefinition.class) {
                    dynamicSends.add(uri);
                }
            } else if (node instanceof EnrichDefinition enrich) {
                uri = enrich.getExpression().getExpression();
            }
            if (uri != null && reading != null) {
                endpoints.computeIfAbsent(reading, id -> new TreeSet<>()).add(uri);
            }
            if (uri != null && uri.startsWith("direct:")) {
                targets.add(name(uri));
            }
            if (node instanceof ProcessorDefinition<?> processor) {
                todo.addAll(processor.getOutputs());
            }
            if (node instanceof OutputNode block) {
                todo.addAll(block.getOutputs());
            }
            if (node instanceof ChoiceDefinition choice) {
                todo.addAll(choice.getWhenClauses());
                if (choice.getOtherwise() != null) {
                    todo.add(choice.getOtherwise());
                }
            }
            if (node instanceof TryDefinition doTry) {
                todo.addAll(doTry.getCatchClauses());
                if (doTry.getFinallyClause() != null) {
                    todo.add(doTry.getFinallyClause());
                }
            }
        }
        return targets;
    }

    private static String name(String directUri) {
        String name = directUri.substring("direct:".length());
        int query = name.indexOf('?');
        return query < 0 ? name : name.substring(0, query);
    }

    private Set<String> edges() {
        Set<String> edges = new TreeSet<>();
        links.forEach((route, targets) -> targets.forEach(target -> edges.add(route + " -> " + consumers.get(target))));
        return edges;
    }

    /** The direct: routes reachable from these routes. */
    private Set<String> reachableFrom(String... routeIds) {
        Set<String> reached = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(routeIds));
        while (!todo.isEmpty()) {
            for (String target : links.getOrDefault(todo.pop(), Set.of())) {
                if (reached.add(target)) {
                    todo.push(consumers.get(target));
                }
            }
        }
        return reached;
    }

    /** The direct: names of the README's paragraph "The flow reads from the route ids", {@code <api>} spelled out. */
    private static Set<String> namedInTheReadmeFlow() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int start = readme.indexOf("The flow reads from the route ids");
        assertThat(start).as("the README's flow paragraph").isNotNegative();
        String paragraph = readme.substring(start, readme.indexOf("\n\n", start));
        Set<String> names = new TreeSet<>();
        Matcher m = DIRECT.matcher(paragraph);
        while (m.find()) {
            String name = m.group(1);
            if (name.contains("<api>")) {
                for (Api api : Api.values()) {
                    names.add(name.replace("<api>", api.id()));
                }
            } else {
                names.add(name);
            }
        }
        return names;
    }
}
