package io.profilebridge.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.SimpleTypeConverter;

/**
 * What a JMS request's body converts to in a route step: its text, or its bytes. The intake keeps the JMS message
 * itself as the body ({@code mapJmsMessage=false}, so its type and size are checked before anything reads it), and
 * Camel has no converter from a JMS message: an integrator's {@code convertBodyTo: String} gave the message's
 * {@code toString()} ("ActiveMQMessage[...]"), which was then the request (routes audit).
 */
final class JmsBodies {

    private JmsBodies() {}

    /**
     * @param maxBytes the most bytes read of a BytesMessage ({@code bridge.request.max-bytes}): one more is kept of a
     *     larger one, so the intake refuses it as too large, with a failed result, without its whole body in memory
     */
    static void register(CamelContext context, long maxBytes) {
        TypeConverterRegistry registry = context.getTypeConverterRegistry();
        registry.addTypeConverter(
                String.class,
                TextMessage.class,
                new SimpleTypeConverter(true, (type, exchange, message) -> ((TextMessage) message).getText()));
        registry.addTypeConverter(
                byte[].class, TextMessage.class, new SimpleTypeConverter(true, (type, exchange, message) -> {
                    String text = ((TextMessage) message).getText();
                    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
                }));
        registry.addTypeConverter(
                byte[].class,
                BytesMessage.class,
                new SimpleTypeConverter(
                        false, (type, exchange, message) -> bytes((BytesMessage) message, maxBytes + 1)));
        registry.addTypeConverter(
                String.class,
                BytesMessage.class,
                new SimpleTypeConverter(
                        false,
                        (type, exchange, message) ->
                                new String(bytes((BytesMessage) message, maxBytes + 1), StandardCharsets.UTF_8)));
    }

    /** The body's first {@code limit} bytes at most, read from its start and left to be read again. */
    private static byte[] bytes(BytesMessage message, long limit) throws JMSException {
        message.reset();
        byte[] content = new byte[(int) Math.min(message.getBodyLength(), limit)];
        message.readBytes(content);
        message.reset();
        return content;
    }
}
