package io.profilebridge.operations;

import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolver;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverContext;
import org.apache.logging.log4j.layout.template.json.resolver.EventResolverFactory;
import org.apache.logging.log4j.layout.template.json.resolver.PatternResolverFactory;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverConfig;
import org.apache.logging.log4j.layout.template.json.resolver.TemplateResolverFactory;
import org.apache.logging.log4j.layout.template.json.util.JsonWriter;

/**
 * The JSON log's {@code error.stack_trace}: the {@code pattern} resolver's masked stack trace, left out of a line
 * that has no exception, as the {@code exception} resolver leaves out {@code error.type}. The pattern resolver
 * wrote {@code "error.stack_trace": ""} on every line; the exception resolver cannot mask secrets in a trace.
 * Used as {@code {"$resolver": "stackTraceIfThrown", "pattern": "..."}} (src/main/resources/log4j2-json-event.json).
 */
@Plugin(name = "StackTraceResolverFactory", category = TemplateResolverFactory.CATEGORY)
public final class StackTraceResolverFactory implements EventResolverFactory {

    private static final StackTraceResolverFactory INSTANCE = new StackTraceResolverFactory();

    private StackTraceResolverFactory() {}

    @PluginFactory
    public static StackTraceResolverFactory getInstance() {
        return INSTANCE;
    }

    @Override
    public String getName() {
        return "stackTraceIfThrown";
    }

    @Override
    public EventResolver create(EventResolverContext context, TemplateResolverConfig config) {
        EventResolver pattern = PatternResolverFactory.getInstance().create(context, config);
        return new EventResolver() {
            @Override
            public boolean isResolvable(LogEvent event) {
                return event.getThrown() != null;
            }

            @Override
            public void resolve(LogEvent event, JsonWriter writer) {
                pattern.resolve(event, writer);
            }
        };
    }
}
