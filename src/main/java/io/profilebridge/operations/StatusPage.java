package io.profilebridge.operations;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import io.profilebridge.ErrorText;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiBudgets;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.ApiHolds;
import io.profilebridge.jms.DeadLetters;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobCounts;
import io.profilebridge.job.JobState;
import io.profilebridge.job.JobStore;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The page an operator opens at {@code /}: jobs per API and state, each API key's budgets (rate, use, a pause
 * with its end and cause, and a hold with its cause: the key, scope or credits refused, or no key), the last failures with their causes, the requests rejected at intake, the JMS dead
 * letters, and the pending backlog over the last hour as an inline SVG chart. One self-contained HTML
 * document, no external assets, from {@code operations/status-page.mustache}: mustache.java escapes every value by
 * default (Camel's own simple templating does not), and the page's layout stays out of Java.
 */
public class StatusPage {

    private static final int CHART_WIDTH = 600;
    private static final int CHART_HEIGHT = 120;
    private static final int ROWS = 10;
    /** The API column of requests rejected at intake that named none we know (also their metric label). */
    static final String UNKNOWN_API = "unknown";

    /** Compiled on first use, not at start-up. */
    private static final class Template {
        static final Mustache PAGE = new DefaultMustacheFactory().compile("operations/status-page.mustache");
    }

    record Model(
            List<String> states,
            List<CountRow> counts,
            List<BudgetRow> budgets,
            List<FailureRow> failures,
            List<FailureRow> rejections,
            DeadLetterRow deadLetters,
            Backlog backlog) {}

    /**
     * One bucket of an API key: its rate (and whether it adapts), the calls spent lately, a pause if any, and why its
     * calls are held if they are (operations audit: a bucket held for a refused key showed as "not paused" alone).
     */
    record BudgetRow(
            String api,
            String bucket,
            String rate,
            boolean adaptive,
            int burst,
            String inUse,
            boolean paused,
            String pausedUntil,
            String cause,
            String heldBecause) {

        /** Paused or held: the row is marked. */
        public boolean waiting() {
            return paused || heldBecause != null;
        }
    }

    record CountRow(String api, List<Cell> cells) {}

    record Cell(String state, long count) {}

    record FailureRow(String when, String api, String request, String code, String cause) {}

    /** The dead-letter queue: counted on the embedded broker; an external broker keeps its own. */
    record DeadLetterRow(boolean embedded, String queue, String count, boolean waiting) {}

    record Backlog(long max, String points, int samples, int width, int height) {}

    private final JobStore store;
    private final JobCounts counts;
    private final BacklogHistory backlog;
    private final DeadLetters deadLetters;
    private final ApiBudgets budgets;
    private final ApiHolds holds;

    /** @param deadLetters where JMS dead letters are; null when JMS is off */
    public StatusPage(
            JobStore store,
            JobCounts counts,
            BacklogHistory backlog,
            DeadLetters deadLetters,
            ApiBudgets budgets,
            ApiHolds holds) {
        this.store = store;
        this.counts = counts;
        this.backlog = backlog;
        this.deadLetters = deadLetters;
        this.budgets = budgets;
        this.holds = holds;
    }

    public String render() {
        StringWriter html = new StringWriter(4096);
        Template.PAGE.execute(html, model());
        return html.toString();
    }

    Model model() {
        List<String> states =
                Arrays.stream(JobState.values()).map(StatusPage::name).toList();
        return new Model(
                states,
                counts(),
                budgets(),
                rows(store.lastFailed(ROWS)),
                rows(store.listRejected(ROWS)),
                deadLetters(),
                backlog());
    }

    private List<BudgetRow> budgets() {
        return budgets.view().stream()
                .map(view -> new BudgetRow(
                        view.bucket().api().id(),
                        view.bucket().id(),
                        String.format(Locale.ROOT, "%.2f", view.rate()),
                        view.adaptive(),
                        view.burst(),
                        String.format(Locale.ROOT, "%.2f", view.usedPerSecond()),
                        view.pausedUntil() > 0,
                        view.pausedUntil() > 0 ? JobView.time(view.pausedUntil()) : null,
                        shown(view.pauseCause()),
                        holds.hold(view.bucket()).map(StatusPage::heldBecause).orElse(null)))
                .toList();
    }

    private static String heldBecause(ApiError reason) {
        return shown(reason.code() + ": " + reason.message());
    }

    /**
     * An outside value (a file name, an API's code or message) as the page shows it: mustache escapes markup only, so a
     * right-to-left override in a file name showed the name, and the bridge's words after it, reversed, and terminal
     * escapes came through raw (log-injection audit); the log's one-line form, as the log shows it.
     */
    private static String shown(String outside) {
        return outside == null ? null : ErrorText.oneLine(outside);
    }

    private DeadLetterRow deadLetters() {
        if (deadLetters == null) {
            return null;
        }
        if (!deadLetters.isEmbedded()) {
            return new DeadLetterRow(false, deadLetters.queue(), null, false);
        }
        OptionalLong count = deadLetters.count();
        return new DeadLetterRow(
                true,
                deadLetters.queue(),
                count.isPresent() ? Long.toString(count.getAsLong()) : null,
                count.orElse(0) > 0);
    }

    private List<CountRow> counts() {
        List<CountRow> rows = new ArrayList<>();
        counts.byApiAndState()
                .forEach((api, perState) -> rows.add(new CountRow(
                        api.id(),
                        Arrays.stream(JobState.values())
                                .map(state -> new Cell(name(state), perState.get(state)))
                                .toList())));
        long withoutApi = counts.rejectedWithoutApi();
        if (withoutApi > 0) {
            rows.add(new CountRow(
                    UNKNOWN_API,
                    Arrays.stream(JobState.values())
                            .map(state -> new Cell(name(state), state == JobState.FAILED ? withoutApi : 0))
                            .toList()));
        }
        return rows;
    }

    private static List<FailureRow> rows(List<Job> jobs) {
        return jobs.stream()
                .map(job -> {
                    JsonNode error = Json.parseStored(job.lastError());
                    return new FailureRow(
                            JobView.time(job.finishedAt()),
                            apiOf(job),
                            shown(job.source().displayName()),
                            shown(Json.text(error, "code")),
                            shown(Json.text(error, "message")));
                })
                .toList();
    }

    private Backlog backlog() {
        List<BacklogHistory.Sample> samples = backlog.lastHour();
        long max = Math.max(
                1,
                samples.stream().mapToLong(BacklogHistory.Sample::pending).max().orElse(1));
        long now = store.now();
        StringBuilder points = new StringBuilder();
        for (BacklogHistory.Sample sample : samples) {
            double x = CHART_WIDTH - (now - sample.at()) / 3_600_000d * CHART_WIDTH;
            double y = CHART_HEIGHT - sample.pending() / (double) max * (CHART_HEIGHT - 10);
            points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        return new Backlog(max, points.toString().trim(), samples.size(), CHART_WIDTH, CHART_HEIGHT);
    }

    static String apiOf(Job job) {
        Api api = job.api();
        return api == null ? UNKNOWN_API : api.id();
    }

    private static String name(JobState state) {
        return state.name().toLowerCase(Locale.ROOT);
    }
}
