package io.profilebridge.jms;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;

/**
 * What a JMS request's body converts to in a route step: its text, or its bytes. The intake keeps the JMS message
 * itself as the body ({@code mapJmsMessage=false}, so its type and size are checked before anything reads it), and
 * Camel has no converter from a JMS message: an integrator's {@code convertBodyTo: String} gave the message's
 * {@code toString()} ("ActiveMQMessage[...]"), which was then the request (routes audit).
 */
final class JmsBodies {

    private JmsBodies() {}

    static void register(CamelContext context) {
        TypeConverterRegistry registry = context.getTypeConverterRegistry();
        registry.addTypeConverter(
                String.class, TextMessage.class, converter(message -> ((TextMessage) message).getText()));
        registry.addTypeConverter(byte[].class, TextMessage.class, converter(message -> {
            String text = ((TextMessage) message).getText();
            return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        }));
        registry.addTypeConverter(
                byte[].class, BytesMessage.class, converter(message -> bytes((BytesMessage) message)));
        registry.addTypeConverter(String.class, BytesMessage.class, converter(message -> {
            return new String(bytes((BytesMessage) message), StandardCharsets.UTF_8);
        }));
    }

    /** The whole body, read from its start and left to be read again. */
    private static byte[] bytes(BytesMessage message) throws JMSException {
        message.reset();
        byte[] content = new byte[(int) message.getBodyLength()];
        message.readBytes(content);
        message.reset();
        return content;
    }

    private interface Reading {
        Object read(Object message) throws JMSException;
    }

    private static TypeConverterSupport converter(Reading reading) {
        return new TypeConverterSupport() {
            @Override
            public <T> T convertTo(Class<T> type, Exchange exchange, Object value) {
                try {
                    return type.cast(reading.read(value));
                } catch (JMSException e) {
                    throw new TypeConversionException(value, type, e);
                }
            }
        };
    }
}
