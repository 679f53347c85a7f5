package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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

    /** HTTP-wire audit: an answer after a UTF-8 byte-order mark was no JSON, and a SUCCEEDED run was given up. */
    @Test
    void anAnswerAfterAByteOrderMarkIsRead() {
        assertThat(Json.parseAnswer("\uFEFF{\"status\": \"SUCCEEDED\"}")
                        .orElseThrow()
                        .path("status")
                        .asText())
                .isEqualTo("SUCCEEDED");
    }

    /** Hostile-API audit: a valid answer nesting 70 levels was taken for no JSON at all (the requests' bound of 64). */
    @Test
    void anAnswerNestedDeeperThanARequestMayIsReadStoredAndWritten() {
        String deep = "{\"a\":".repeat(70) + "1" + "}".repeat(70);
        String answer = "{\"status\": \"SUCCEEDED\", \"extra\": " + deep + "}";
        JsonNode read = Json.parseAnswer(answer).orElseThrow();
        assertThat(read.get("status").asText()).isEqualTo("SUCCEEDED");
        JsonNode stored = Json.parseStored(Json.write(read));
        assertThat(Json.write(Json.object().set("status", stored))).contains("\"status\":{\"status\":\"SUCCEEDED\"");
        String tooDeep = "[".repeat(Json.MAX_ANSWER_NESTING_DEPTH + 1) + "]".repeat(Json.MAX_ANSWER_NESTING_DEPTH + 1);
        assertThat(Json.parseAnswer(tooDeep)).isEmpty();
        // said of an answer that looks like JSON only, not of a page or a JSON string (review)
        assertThat(Json.notReadBeyond(Json.parseLenient(tooDeep))).contains("nested deeper than 500 levels");
        assertThat(Json.notReadBeyond(Json.parseLenient("<html>busy</html>"))).isEmpty();
        assertThat(Json.notReadBeyond(Json.parseLenient("\"just a string\""))).isEmpty();
    }
}
