package io.profilebridge;

import io.profilebridge.api.Api;
import io.profilebridge.delivery.ResultHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.model.ToDynamicDefinition;
import org.apache.camel.model.WireTapDefinition;

/**
 * The YAML routes integrators edit and the Java routes meet at {@code direct:} endpoints and named route
 * configurations, which Camel checks only when a message is sent (integrator-edits audit: a delivery route whose
 * {@code from} was misspelt, or whose file was left out, gave a bridge that was healthy, took every file and delivered
 * nothing, without a log line; a missing poll trigger left every job received; a misspelt {@code routeConfigurationId}
 * dropped the outbox's error handling and health check; a misspelt JMS queue left the requests queue unread). The
 * start stops, naming what is missing, when:
 * <ul>
 *   <li>a route sends to a {@code direct:} endpoint no route reads (save one the configuration leaves out on purpose:
 *       the JMS delivery when JMS is off);
 *   <li>no route started from outside (a trigger, a folder, a queue) sends to an endpoint the bridge needs fed: the
 *       poll trigger's and the intake's;
 *   <li>a route names a route configuration that no file defines;
 *   <li>with JMS on, no route reads the requests queue;
 *   <li>a wireTap stands between a consumer and {@code direct:accept-request} (routes audit: the file's move needs
 *       the intake's answer on the same exchange, so every file was taken, answered and failed to move, again and
 *       again), or a seda:/vm: queue between a JMS consumer and it (the message's transaction commits when the JMS
 *       route hands the message on, before the intake ran: a crash then loses it; for a file the queue hands the
 *       file's move on with the exchange, and is fine);
 *   <li>two routes have the same id, so that the second replaced the first ({@link ReplacedRoutes}).
 * </ul>
 * Checked on the routes as defined, once they are all added and before any consumer starts.
 */
public final class RouteWiring implements StartupListener {

    /** What must be sent to, and what sends there when the packaged routes are used. */
    /**
     * What a route reaching the intake may start from: a folder or a queue, whose file or message the intake answers,
     * or another route (direct:, and seda:/vm:, which {@link #intakeHandedOn} judges on their own).
     */
    private static final Set<String> INTAKE_FEEDERS = Set.of("file", "jms", "direct", "seda", "vm");

    static final Map<String, String> MUST_BE_FED = Map.of(
            "direct:dispatch-due-jobs", "the poll trigger (routes/poll-due-jobs.camel.yaml): no job would advance",
            "direct:accept-request", "the inbox and JMS routes (routes/inbox-*.camel.yaml): no request would be taken");

    private static final String INTAKE = "direct:accept-request";
    /** One folder name below the inbox, as the inbox-folder template says; a dot-named folder is one the inbox skips. */
    private static final Pattern ONE_FOLDER_NAME = Pattern.compile("[^./\\\\?%#\\p{Cntrl}][^/\\\\?%#\\p{Cntrl}]*");

    private static final String INTAKE_IN_TURN =
            "the intake must run in the route that took the file or message (use to:), whose move or commit follows"
                    + " its answer";

    private final Set<String> mayGoUnread;
    private final String requestsQueue;
    private final ReplacedRoutes replaced;
    /** Each route's file as the last check saw it. */
    private final Map<String, String> filesSeen = new HashMap<>();

    /**
     * @param mayGoUnread {@code direct:} endpoints a route may send to with no route reading them
     * @param requestsQueue the JMS queue a route must read; null when JMS is off
     * @param replaced the routes another route of the same id replaced while they were added
     */
    RouteWiring(Set<String> mayGoUnread, String requestsQueue, ReplacedRoutes replaced) {
        this.mayGoUnread = mayGoUnread;
        this.requestsQueue = requestsQueue;
        this.replaced = replaced;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<String> problems = new ArrayList<>(replaced.problems());
        problems.addAll(replacedByAReload(model.getRouteDefinitions()));
        problems.addAll(problems(
                model.getRouteDefinitions(),
                model.getRouteConfigurationDefinitions().stream()
                        .map(RouteConfigurationDefinition::getId)
                        .toList(),
                context::resolvePropertyPlaceholders));
        if (!problems.isEmpty()) {
            throw new StartupFailure("the routes do not fit together: " + String.join("; ", problems))
                    .during(context, alreadyStarted);
        }
    }

    /**
     * Camel's route reload adds a changed file's routes as a start does, and one whose id a route of another file has
     * replaces that route without a word, as {@link ReplacedRoutes} tells of a start (integrator audit: a route with
     * id deliver-result added to a file of one's own took the packaged one's place, and each result was marked
     * delivered with nothing written). Each call notes each route's file; a later call, after a reload, names a route
     * now defined in another file, once. The reloaded routes then stay stopped, as after any problem here; the replaced
     * route is back only with a restart (until then the routes that send to it name it at every reload).
     */
    List<String> replacedByAReload(List<RouteDefinition> routes) {
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            String before = filesSeen.get(route.getRouteId());
            String now = fileOf(route);
            if (before != null && now != null && !before.equals(now)) {
                problems.add("a reload of " + now + " replaced route " + route.getRouteId() + " of " + before
                        + " by one of the same id: give each route its own id, then restart the bridge to have the"
                        + " replaced route back");
            }
            filesSeen.put(route.getRouteId(), now);
        }
        return problems;
    }

    private static String fileOf(RouteDefinition route) {
        return route.getResource() == null ? null : route.getResource().getLocation();
    }

    List<String> problems(
            List<RouteDefinition> routes, Collection<String> configurations, UnaryOperator<String> placeholders) {
        Set<String> inputs = new TreeSet<>();
        Map<String, Set<String>> sendersByTarget = new TreeMap<>();
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            String input = route.getInput().getEndpointUri();
            // a JMS queue is named by a property; a templated route's placeholders are its template's, not these
            inputs.add(endpoint(input.startsWith("jms:") ? placeholders.apply(input) : input));
            for (String target : targets(route)) {
                sendersByTarget.computeIfAbsent(target, any -> new TreeSet<>()).add(route.getRouteId());
            }
            problems.addAll(inboxFolderParameters(route, placeholders));
            String named = route.getRouteConfigurationId();
            if (named != null) {
                Arrays.stream(named.split(","))
                        .map(String::trim)
                        .filter(id -> !id.isEmpty() && !id.contains("*") && !configurations.contains(id))
                        .forEach(id -> problems.add("route " + route.getRouteId() + " names routeConfigurationId " + id
                                + ", which no routeConfiguration defines"));
            }
        }
        sendersByTarget.forEach((target, senders) -> {
            if (target.startsWith("direct:") && !inputs.contains(target) && !mayGoUnread.contains(target)) {
                problems.add("route " + String.join(", ", senders) + " sends to " + target
                        + ", which no route reads (a route file left out, or its from: uri misspelt)");
            }
        });
        problems.addAll(intakeHandedOn(routes));
        problems.addAll(resultFilesOutsideTheOutbox(routes, placeholders));
        Set<String> fedFromOutside = fedFromOutside(routes);
        MUST_BE_FED.forEach((target, feeder) -> {
            if (inputs.contains(target) && !fedFromOutside.contains(target)) {
                problems.add("no route started by a trigger, a folder or a queue sends to " + target + ": " + feeder);
            }
        });
        if (requestsQueue != null && !inputs.contains("jms:queue:" + requestsQueue)) {
            problems.add("no route reads the JMS requests queue jms:queue:" + requestsQueue
                    + " (bridge.jms.requests; routes/jms-requests.camel.yaml left out, or its uri misspelt)");
        }
        return problems;
    }

    /**
     * An inbox folder's route whose {@code api} names no API: each of its files would be refused as api_unknown
     * (lifecycle audit: an edited copy with api deepsearch started, and refused every file dropped there); or whose
     * {@code folder} is no one name below the inbox: {@code ../outside} read a folder beside the inbox, took its files
     * and started paid runs whose results the outbox's file endpoint would not write outside itself,
     * {@code x?recursive=true} gave the endpoint options, {@code a/b} a folder the unread-folder warning and
     * {@code check} took for unread (integrator audit).
     */
    private static List<String> inboxFolderParameters(RouteDefinition route, UnaryOperator<String> placeholders) {
        Map<String, Object> parameters = route.getTemplateParameters();
        // the inbox-folder template's two parameters; its routes' api may be a placeholder, as the template's own is
        if (parameters == null || !parameters.containsKey("folder") || parameters.get("api") == null) {
            return List.of();
        }
        List<String> problems = new ArrayList<>();
        String api = placeholders.apply(parameters.get("api").toString());
        if (!api.isBlank() && Api.of(api).isEmpty()) {
            problems.add("route " + route.getRouteId() + " sets api " + api + ", which is no API: openprospect, orbit,"
                    + " or empty for a folder of envelopes");
        }
        Object folder = parameters.get("folder");
        String name =
                folder == null ? "" : placeholders.apply(folder.toString()).trim();
        if (!name.isEmpty() && !ONE_FOLDER_NAME.matcher(name).matches()) {
            problems.add("route " + route.getRouteId() + " sets folder " + name + ", which is not one folder name below"
                    + " the inbox: no / or \\, no ? % # or control characters, not starting with a dot (.done and"
                    + " .failed hold the taken files)");
        }
        return problems;
    }

    /**
     * The intake must run on the exchange the file or JMS consumer took, whose move or commit follows its answer: a
     * wireTap on the way there sends a copy, and each file was answered and never moved (routes audit). Found through
     * any chain of routes sent to with to: (a seda: queue hands the exchange on with its move, and is fine).
     */
    private static List<String> intakeHandedOn(List<RouteDefinition> routes) {
        Set<String> leadToIntake = new TreeSet<>(Set.of(INTAKE));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (RouteDefinition route : routes) {
                if (inTurnTargets(route).stream().anyMatch(leadToIntake::contains)) {
                    grew |= leadToIntake.add(endpoint(route.getInput().getEndpointUri()));
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            String input = endpoint(route.getInput().getEndpointUri());
            String scheme = input.substring(0, Math.max(0, input.indexOf(':')));
            if (leadToIntake.contains(input) && !INTAKE_FEEDERS.contains(scheme)) {
                // integrator audit: a timer's or a webhook's request failed at each exchange, after a clean start
                problems.add("route " + route.getRouteId() + " reaches " + INTAKE + " from " + input + ", but the"
                        + " intake takes an inbox file (a file: route) or a JMS message (a jms: route) only: write the"
                        + " request into the inbox, or send it to the requests queue, instead");
            }
        }
        for (String queue : queuesAfterJms(routes)) {
            if (leadToIntake.contains(queue)) {
                problems.add("JMS requests reach " + INTAKE + " through " + queue + ", a queue between routes: the"
                        + " message's transaction commits when the JMS route hands it on, before the intake ran (use"
                        + " to: and direct: routes after a jms: consumer)");
            }
        }
        for (RouteDefinition route : routes) {
            ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), WireTapDefinition.class).stream()
                    .map(tap -> endpoint(String.valueOf(tap.getUri())))
                    .filter(leadToIntake::contains)
                    .findFirst()
                    .ifPresent(tapped -> problems.add("route " + route.getRouteId() + " hands " + leadingTo(tapped)
                            + " to a wireTap: " + INTAKE_IN_TURN));
        }
        return problems;
    }

    /** The seda:/vm: queues a jms: consumer's route sends to, directly or through routes it sends to with to:. */
    private static Set<String> queuesAfterJms(List<RouteDefinition> routes) {
        Set<String> reached = reached(
                routes, route -> route.getInput().getEndpointUri().startsWith("jms:"), RouteWiring::inTurnTargets);
        reached.removeIf(endpoint -> !(endpoint.startsWith("seda:") || endpoint.startsWith("vm:")));
        return reached;
    }

    /**
     * The endpoints a route that a trigger, a folder, a queue or an HTTP request starts sends to, directly or through
     * direct: routes (an integrator's own direct: step before the intake is fine).
     */
    private static Set<String> fedFromOutside(List<RouteDefinition> routes) {
        return reached(
                routes,
                route -> !endpoint(route.getInput().getEndpointUri()).startsWith("direct:"),
                RouteWiring::targets);
    }

    /** What the routes that {@code start} picks send to by {@code sends}, and what the routes reading that send to. */
    private static Set<String> reached(
            List<RouteDefinition> routes,
            Predicate<RouteDefinition> start,
            Function<RouteDefinition, List<String>> sends) {
        Set<String> reached = new TreeSet<>();
        routes.stream().filter(start).forEach(route -> reached.addAll(sends.apply(route)));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (RouteDefinition route : routes) {
                if (reached.contains(endpoint(route.getInput().getEndpointUri()))) {
                    grew |= reached.addAll(sends.apply(route));
                }
            }
        }
        return reached;
    }

    private static String leadingTo(String tapped) {
        return INTAKE.equals(tapped) ? INTAKE : tapped + " (which leads to " + INTAKE + ")";
    }

    /** The endpoints a route sends to by a fixed URI (to, wireTap and the like). */
    private static List<String> targets(RouteDefinition route) {
        return targets(route, true);
    }

    /** The endpoints a route sends to by a fixed URI and waits for (to:, not a wireTap). */
    private static List<String> inTurnTargets(RouteDefinition route) {
        return targets(route, false);
    }

    /**
     * A result file is written where its name was claimed: the step after {@code resultFiles.claimName} writes it into
     * the outbox under the claimed name. Given another folder ({@code file:results}, also by {@code toD}) or another
     * file name ({@code x-${header.bridgeResultFile}}), it wrote over another request's result, the name claimed in
     * the outbox it did not write to (integrator audit, and its re-check).
     */
    static List<String> resultFilesOutsideTheOutbox(List<RouteDefinition> routes, UnaryOperator<String> placeholders) {
        Path outbox = Path.of(placeholders.apply("{{bridge.outbox}}"))
                .toAbsolutePath()
                .normalize();
        List<String> problems = new ArrayList<>();
        for (RouteDefinition route : routes) {
            stepsAfterTheClaim(route.getOutputs()).forEach(next -> {
                String uri = next instanceof SendDefinition<?> send
                        ? send.getEndpointUri()
                        : next instanceof ToDynamicDefinition dynamic ? dynamic.getUri() : null;
                if (uri == null || !uri.startsWith("file:")) {
                    problems.add("route " + route.getRouteId() + " claims a result file's name (resultFiles"
                            + " claimName) but does not write it next with a file: endpoint");
                    return;
                }
                String folder = uri.substring("file:".length());
                folder = folder.startsWith("//") ? folder.substring(2) : folder;
                String query = folder.contains("?") ? folder.substring(folder.indexOf('?') + 1) : "";
                folder = placeholders.apply(folder.contains("?") ? folder.substring(0, folder.indexOf('?')) : folder);
                if (!Path.of(folder).toAbsolutePath().normalize().equals(outbox)) {
                    problems.add("route " + route.getRouteId() + " writes result files to file:" + folder
                            + ", not the outbox " + outbox + " where their names are claimed (a result there could"
                            + " replace another request's): keep uri file:{{bridge.outbox}} and set bridge.outbox"
                            + " (BRIDGE_OUTBOX) to " + folder + " instead");
                } else if (!Arrays.asList(query.split("&")).contains(RESULT_FILE_NAME)) {
                    problems.add("route " + route.getRouteId() + " writes result files under another name than the"
                            + " one claimed for them (" + RESULT_FILE_NAME + "), so a result could replace another"
                            + " request's: keep that fileName, and copy results under names of your own in a step"
                            + " after it");
                }
            });
        }
        return problems;
    }

    /** The result file endpoint's file name: the name claimed, as routes/deliver-result.camel.yaml gives it. */
    private static final String RESULT_FILE_NAME = "fileName=${header." + ResultHeaders.RESULT_FILE + "}";

    /** The steps, at any depth, that follow a {@code claimName} bean step in its list. */
    private static List<ProcessorDefinition<?>> stepsAfterTheClaim(List<ProcessorDefinition<?>> steps) {
        List<ProcessorDefinition<?>> after = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            ProcessorDefinition<?> step = steps.get(i);
            if (step instanceof BeanDefinition bean && "claimName".equals(bean.getMethod())) {
                if (i + 1 < steps.size()) {
                    after.add(steps.get(i + 1));
                } else {
                    after.add(bean); // nothing after it: named as no file endpoint
                }
            }
            after.addAll(stepsAfterTheClaim(step.getOutputs()));
        }
        return after;
    }

    private static List<String> targets(RouteDefinition route, boolean withWireTaps) {
        List<String> targets = new ArrayList<>();
        ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), SendDefinition.class)
                .forEach(send -> targets.add(send.getEndpointUri()));
        ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), ToDynamicDefinition.class).stream()
                .filter(send -> withWireTaps || !(send instanceof WireTapDefinition))
                .forEach(send -> targets.add(send.getUri()));
        return targets.stream()
                .filter(uri -> uri != null && !uri.contains("${"))
                .map(RouteWiring::endpoint)
                .toList();
    }

    /** {@code direct://x?a=b} as {@code direct:x}: the same endpoint however written. */
    public static String endpoint(String uri) {
        String plain = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
        return plain.replaceFirst("^([a-z0-9+.-]+):/+", "$1:");
    }
}
