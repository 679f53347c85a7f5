package io.profilebridge.jms;

import java.util.Set;
import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.ActiveMQExceptionType;
import org.apache.activemq.artemis.api.core.ActiveMQPropertyConversionException;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.LargeServerMessage;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.reader.MapMessageUtil;
import org.apache.activemq.artemis.reader.TextMessageUtil;

/**
 * The embedded broker's check on every message sent to it, whatever the protocol: a Java-serialized ObjectMessage
 * is refused (nothing the bridge reads is ever deserialized), so is a compressed one ({@code compressLargeMessages}:
 * the bridge's client would inflate it to whatever size it announces), and so is a message larger than
 * {@code bridge.jms.max-message-bytes}; a CORE request no JMS client could read is refused too. The sender's send
 * fails with the reason, or, in a transaction, its commit does; nothing is stored (a large message's file is
 * deleted). Artemis has no setting for any of these, hence a plugin. Requests are also kept durable, however they
 * were sent.
 */
final class MessageGate implements ActiveMQServerMessagePlugin {

    /** How AMQP JMS clients mark the message type; 1 is ObjectMessage. */
    private static final SimpleString AMQP_JMS_TYPE = SimpleString.of("x-opt-jms-msg-type");

    private static final byte AMQP_OBJECT_MESSAGE = 1;

    static final String COMPRESSED = "a compressed message is not taken (compressLargeMessages): the bridge would have"
            + " to inflate it to any size; send requests uncompressed";

    /** The CORE message types the Artemis JMS client makes a message of (ActiveMQMessage.createMessage). */
    private static final Set<Byte> JMS_TYPES = Set.of(
            Message.DEFAULT_TYPE,
            Message.OBJECT_TYPE,
            Message.TEXT_TYPE,
            Message.BYTES_TYPE,
            Message.MAP_TYPE,
            Message.STREAM_TYPE);

    private final long maxMessageBytes;
    private final SimpleString requests;

    /** @param requests the requests queue's address ({@code bridge.jms.requests}) */
    MessageGate(long maxMessageBytes, String requests) {
        this.maxMessageBytes = maxMessageBytes;
        this.requests = SimpleString.of(requests);
    }

    @Override
    public void beforeSend(
            ServerSession session, Transaction tx, Message message, boolean direct, boolean noAutoCreateQueue)
            throws ActiveMQException {
        String refusal = refusal(message);
        if (refusal != null) {
            ActiveMQException refused = new ActiveMQException(ActiveMQExceptionType.ILLEGAL_STATE, refusal);
            if (message instanceof LargeServerMessage large) {
                // the broker made a file of it before asking (an OpenWire message over its journal record size) and
                // nobody deletes a refused one: one file per refused send, until the next start (big-bodies audit)
                deleteFile(large, refused);
            }
            if (tx != null) {
                // a transacted send gets no answer of its own: the refusal is the commit's (JMS audit: the commit
                // succeeded and the message was gone, beside the others of the transaction, which went on)
                tx.markAsRollbackOnly(refused);
            }
            throw refused;
        }
        if (requests.equals(message.getAddressSimpleString()) && !message.isDurable()) {
            // a NON_PERSISTENT request lived in memory only: one waiting in the queue was lost at a stop, after the
            // broker had taken it (JMS audit: 505 of 1,763 at a SIGTERM); the contract loses no request
            message.setDurable(true);
        }
    }

    private static void deleteFile(LargeServerMessage large, ActiveMQException refused) {
        try {
            large.deleteFile();
        } catch (Exception e) {
            refused.addSuppressed(e);
        }
    }

    /**
     * Whether the sender compressed the message ({@code _AMQ_LARGE_COMPRESSED}): the Artemis client inflates any
     * message carrying it, as {@code getBooleanProperty} reads it; a value that does not read as a boolean would
     * fail there as well, so it counts as compressed.
     */
    private static boolean compressed(Message message) {
        try {
            return Boolean.TRUE.equals(message.getBooleanProperty(Message.HDR_LARGE_COMPRESSED));
        } catch (ActiveMQPropertyConversionException | ClassCastException e) {
            return true;
        }
    }

    /** Why the broker refuses the message, or null when it takes it. */
    private String refusal(Message message) {
        if (message.getType() == Message.OBJECT_TYPE
                || Byte.valueOf(AMQP_OBJECT_MESSAGE).equals(message.getAnnotation(AMQP_JMS_TYPE))) {
            return "ObjectMessage is not accepted by this broker: send JSON as a TextMessage";
        }
        if (compressed(message)) {
            // the bridge's client inflates such a body, large or sent as a regular one, to whatever size it
            // announces: 300,000,000 bytes stored as a file of 290 KB, an OutOfMemoryError at every redelivery; one
            // that did not decode failed there every minute for good; a valid one that shrank under 100 KiB was
            // refused as undecodable (re-check audit). Checked before the size and the body, which are compressed
            return COMPRESSED;
        }
        long size = message.getWholeMessageSize();
        if (size > maxMessageBytes) {
            return "a message of " + size + " bytes is larger than this broker accepts (" + maxMessageBytes
                    + ", bridge.jms.max-message-bytes)";
        }
        if (requests.equals(message.getAddressSimpleString()) && message instanceof ICoreMessage core) {
            return unreadableByJms(core);
        }
        return null;
    }

    /**
     * Why the bridge's JMS client could not make a message of a CORE request at all, if it could not: a type no JMS
     * message has, or a text or map body that does not decode. Such a message fails in the client before the bridge
     * sees it, counting no delivery: it never reached the DLQ, and the requests' consumer was recreated for it every
     * minute, readiness DOWN, for good (JMS audit). A large message's body is read from its file (a compressed one was
     * refused before).
     */
    private static String unreadableByJms(ICoreMessage message) {
        byte type = message.getType();
        if (!JMS_TYPES.contains(type)) {
            return "a CORE message of type " + type + " is no JMS message: send JSON as a TextMessage";
        }
        if (type != Message.TEXT_TYPE && type != Message.MAP_TYPE) {
            return null;
        }
        try {
            // a large message's body is read from its file: at most bridge.jms.max-message-bytes, checked before;
            // left to the client, one that did not decode failed there every minute for good (big-bodies audit)
            ActiveMQBuffer body = message.getReadOnlyBodyBuffer();
            if (type == Message.TEXT_TYPE) {
                TextMessageUtil.readBodyText(body);
            } else {
                MapMessageUtil.readBodyMap(body);
            }
            return null;
        } catch (RuntimeException e) {
            return "the body of this " + (type == Message.TEXT_TYPE ? "TextMessage" : "MapMessage")
                    + " cannot be decoded (" + e.getClass().getSimpleName() + "): send JSON as a TextMessage";
        }
    }
}
