package io.profilebridge.jms;

import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * The embedded broker's check on every message sent to it, whatever the protocol: a Java-serialized ObjectMessage
 * is refused (nothing the bridge reads is ever deserialized), and so is a message larger than
 * {@code bridge.jms.max-message-bytes}. The sender's send fails with the reason; nothing is stored. Artemis has no
 * setting for either, hence a plugin.
 */
final class MessageGate implements ActiveMQServerMessagePlugin {

    /** How AMQP JMS clients mark the message type; 1 is ObjectMessage. */
    private static final SimpleString AMQP_JMS_TYPE = SimpleString.of("x-opt-jms-msg-type");

    private static final byte AMQP_OBJECT_MESSAGE = 1;

    private final long maxMessageBytes;

    MessageGate(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    public void beforeSend(
            ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQException {
        if (message.getType() == Message.OBJECT_TYPE
                || Byte.valueOf(AMQP_OBJECT_MESSAGE).equals(message.getAnnotation(AMQP_JMS_TYPE))) {
            throw new ActiveMQException(
                    ActiveMQExceptionType.ILLEGAL_STATE,
                    "ObjectMessage is not accepted by this broker: send JSON as a TextMessage");
        }
        long size = message.getWholeMessageSize();
        if (size > maxMessageBytes) {
            throw new ActiveMQException(
                    ActiveMQExceptionType.ILLEGAL_STATE,
                    "a message of " + size + " bytes is" + " larger than this broker accepts (" + maxMessageBytes
                            + ", bridge.jms.max-message-bytes)");
        }
    }
}
