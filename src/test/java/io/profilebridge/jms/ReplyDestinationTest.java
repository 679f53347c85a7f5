package io.profilebridge.jms;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.junit.jupiter.api.Test;

class ReplyDestinationTest {

    @Test
    void aCoreReplyAddressOfNoTypeIsTakenByItsName() throws Exception {
        // what the JMS client makes of a CORE message's JMSReplyTo "orders-replies", written without a prefix
        ActiveMQDestination untyped = ActiveMQDestination.fromPrefixedName("orders-replies");
        assertThat(ReplyDestination.describe(untyped)).isEqualTo("queue:orders-replies");
        assertThat(ReplyDestination.problem(ReplyDestination.describe(untyped))).isEmpty();
        assertThat(ReplyDestination.describe(ActiveMQDestination.createQueue(SimpleString.of("q"))))
                .isEqualTo("queue:q");
    }
}
