package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.hc.core5.http.message.BasicHttpResponse;
import org.junit.jupiter.api.Test;

/** What an answer's head tells the key's budgets, and what of it is written down. */
class AnswerHeadsTest {

    /** A key with none of the known prefixes, which the logs' own mask would not recognise. */
    private static final String KEY = "5b1d9e3f7a2c4e6b8d0f1a3c5e7b9d2f4a6c8e0b";

    @Test
    void aKeySentBackInRetryAfterIsMaskedInThePausesCause() throws Exception {
        Map<ApiBucket, ApiBudgets.Limit> limits = new EnumMap<>(ApiBucket.class);
        for (ApiBucket bucket : ApiBucket.values()) {
            limits.put(bucket, ApiBudgets.Limit.fixed(5, 20));
        }
        ApiBudgets budgets = ApiBudgets.local(
                limits, new ApiBudgets.Policy(1000, 60_000, 0.5, 0.1, 10_000), System::currentTimeMillis);
        AnswerHeads heads = new AnswerHeads(budgets, new KeyMask(new ApiCredentials().with(Api.OPENPROSPECT, KEY)));
        BasicHttpResponse answer = new BasicHttpResponse(429);
        answer.addHeader("Retry-After", KEY);

        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(camel);
            exchange.setProperty(ApiCallRoutes.BUCKET, ApiBucket.OPENPROSPECT);
            heads.onResponseReceived(null, exchange, null, answer, null, 5);
        }

        // the cause goes to the log line of the pause and to the store's shared budgets (secrets audit: both held it)
        String cause = budgets.view().stream()
                .filter(view -> view.bucket() == ApiBucket.OPENPROSPECT)
                .findFirst()
                .orElseThrow()
                .pauseCause();
        assertThat(cause).startsWith("429, Retry-After ").contains(KeyMask.MASK).doesNotContain(KEY.substring(0, 8));
    }
}
