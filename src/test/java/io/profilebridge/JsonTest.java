package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void anAnswerWithAnExponentBeyondAnIntsIsNotJsonWeCanReadRatherThanAnUncheckedFailure() {
        // Jackson's exact numbers refuse 1e9999999999 with a NumberFormatException, which escaped the answer's parse
        assertThat(Json.parseAnswer("{\"status\": \"completed\", \"x\": 1e9999999999}"))
                .isEmpty();
        assertThat(Json.parseLenient("{\"x\": 1e-2147483649}").isTextual()).isTrue();
        assertThat(Json.parseAnswer("{\"x\": 1e400}")).isPresent();
    }
}
