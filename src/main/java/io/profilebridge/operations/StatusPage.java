package io.profilebridge.operations;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;
import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.intake.RecentRejections;
import io.profilebridge.job.Job;
import io.profilebridge.job.JobState;
import io.profilebridge.jms.DeadLetters;
import io.profilebridge.job.JobStore;

/**
 * The page an operator opens at {@code /}: jobs per API and state, the last failures with their causes, JMS dead
 * letters, and the pending backlog over the last hour as an inline SVG chart. One self-contained HTML document,
 * no external assets.
 */
public class StatusPage {

    private static final int CHART_WIDTH = 600;
    private static final int CHART_HEIGHT = 120;

    private final JobStore store;
    private final BacklogHistory backlog;
    private final RecentRejections rejections;
    private final DeadLetters deadLetters;

    /** @param deadLetters where JMS dead letters are; null when JMS is off */
    public StatusPage(JobStore store, BacklogHistory backlog, RecentRejections rejections, DeadLetters deadLetters) {
        this.store = store;
        this.backlog = backlog;
        this.rejections = rejections;
        this.deadLetters = deadLetters;
    }

    public String render() {
        StringBuilder html = new StringBuilder(4096);
        html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>profile-bridge</title>")
                .append("<meta http-equiv=\"refresh\" content=\"10\"><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1.5em}")
                .append("td,th{border:1px solid #ccc;padding:.3em .7em;text-align:right}th{background:#f3f3f3;text-align:left}")
                .append("td.text{text-align:left}.failed{color:#b00020}svg{border:1px solid #ccc;background:#fafafa}")
                .append("</style></head><body><h1>profile-bridge</h1>");
        counts(html);
        failures(html);
        rejections(html);
        deadLetters(html);
        chart(html);
        return html.append("</body></html>").toString();
    }

    private void counts(StringBuilder html) {
        Map<Api, Map<JobState, Long>> counts = store.countByApiAndState();
        html.append("<h2>Jobs</h2><table id=\"counts\"><tr><th>API</th>");
        for (JobState state : JobState.values()) {
            html.append("<th>").append(state.name().toLowerCase()).append("</th>");
        }
        html.append("</tr>");
        counts.forEach((api, perState) -> {
            html.append("<tr data-api=\"").append(api.id()).append("\"><td class=\"text\">").append(api.id()).append("</td>");
            for (JobState state : JobState.values()) {
                html.append("<td data-state=\"").append(state.name().toLowerCase()).append("\">")
                        .append(perState.get(state)).append("</td>");
            }
            html.append("</tr>");
        });
        html.append("</table>");
    }

    private void failures(StringBuilder html) {
        List<Job> failed = store.list(null, JobState.FAILED, 0, 10);
        html.append("<h2>Last failures</h2><table id=\"failures\"><tr><th>when</th><th>API</th><th>request</th>")
                .append("<th>code</th><th>cause</th></tr>");
        for (Job job : failed) {
            JsonNode error = Json.parseStored(job.lastError());
            html.append("<tr class=\"failed\"><td class=\"text\">").append(JobView.time(job.finishedAt()))
                    .append("</td><td class=\"text\">").append(job.api().id())
                    .append("</td><td class=\"text\">").append(escape(job.source().displayName()))
                    .append("</td><td class=\"text code\">").append(escape(Json.text(error, "code")))
                    .append("</td><td class=\"text\">").append(escape(Json.text(error, "message"))).append("</td></tr>");
        }
        if (failed.isEmpty()) {
            html.append("<tr><td class=\"text\" colspan=\"5\">none</td></tr>");
        }
        html.append("</table>");
    }

    private void rejections(StringBuilder html) {
        List<RecentRejections.Rejection> rejected = rejections.list();
        html.append("<h2>Rejected at intake</h2><table id=\"rejections\"><tr><th>when</th><th>API</th><th>request</th>")
                .append("<th>code</th><th>cause</th></tr>");
        for (RecentRejections.Rejection rejection : rejected) {
            html.append("<tr class=\"failed\"><td class=\"text\">").append(JobView.time(rejection.at()))
                    .append("</td><td class=\"text\">").append(escape(rejection.api()))
                    .append("</td><td class=\"text\">").append(escape(rejection.source()))
                    .append("</td><td class=\"text code\">").append(escape(rejection.error().code()))
                    .append("</td><td class=\"text\">").append(escape(rejection.error().message())).append("</td></tr>");
        }
        if (rejected.isEmpty()) {
            html.append("<tr><td class=\"text\" colspan=\"5\">none</td></tr>");
        }
        html.append("</table>");
    }

    // --- JMS dead letters ----------------------------------------------------------------------------------

    private void deadLetters(StringBuilder html) {
        if (deadLetters == null) {
            return;
        }
        html.append("<h2>JMS dead letters</h2>");
        if (!deadLetters.isEmbedded()) {
            html.append("<p id=\"dead-letters\">JMS requests that failed every delivery attempt are kept by the")
                    .append(" external broker (bridge.jms.broker-url), at the dead-letter address of its own address")
                    .append(" settings; they are not counted here.</p>");
            return;
        }
        OptionalLong count = deadLetters.count();
        String shown = count.isPresent() ? Long.toString(count.getAsLong()) : "";
        html.append("<table id=\"dead-letters\"><tr><th>queue</th><th>messages</th></tr><tr")
                .append(count.orElse(0) > 0 ? " class=\"failed\"" : "").append("><td class=\"text\">")
                .append(escape(deadLetters.queue())).append("</td><td data-dead-letters=\"").append(shown).append("\">")
                .append(count.isPresent() ? shown : "broker not up").append("</td></tr></table>")
                .append("<p>JMS requests whose every delivery attempt failed (bridge.jms.max-delivery-attempts) wait")
                .append(" here without a result; README, section JMS, says how to send them again.</p>");
    }

    // --- backlog chart -------------------------------------------------------------------------------------

    private void chart(StringBuilder html) {
        List<BacklogHistory.Sample> samples = backlog.lastHour();
        long max = Math.max(1, samples.stream().mapToLong(BacklogHistory.Sample::pending).max().orElse(1));
        long now = store.now();
        StringBuilder points = new StringBuilder();
        for (BacklogHistory.Sample sample : samples) {
            double x = CHART_WIDTH - (now - sample.at()) / 3_600_000d * CHART_WIDTH;
            double y = CHART_HEIGHT - sample.pending() / (double) max * (CHART_HEIGHT - 10);
            points.append(String.format(java.util.Locale.ROOT, "%.1f,%.1f ", x, y));
        }
        html.append("<h2>Pending backlog, last hour (max ").append(max).append(")</h2>")
                .append("<svg id=\"backlog\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(CHART_HEIGHT)
                .append("\" viewBox=\"0 0 ").append(CHART_WIDTH).append(' ').append(CHART_HEIGHT).append("\">")
                .append("<polyline fill=\"none\" stroke=\"#1565c0\" stroke-width=\"2\" points=\"")
                .append(points.toString().trim()).append("\"/></svg>")
                .append("<p>").append(samples.size()).append(" samples. JSON: <a href=\"/jobs\">/jobs</a>, ")
                .append("<a href=\"/observe/health\">/observe/health</a>, <a href=\"/observe/metrics\">/observe/metrics</a></p>");
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
