package io.profilebridge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.BridgeRun;
import io.profilebridge.Json;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** A key an API echoes is masked however its answer spells it; an answer without one is left as it came. */
class KeyMaskTest {

    private final KeyMask mask = new KeyMask(new ApiCredentials()
            .with(Api.OPENPROSPECT, BridgeRun.OPENPROSPECT_KEY)
            .with(Api.ORBIT, BridgeRun.ORBIT_KEY));

    /** Review: a redirect's Location is named in its error (redirects audit), so it is masked as the body is. */
    @Test
    void anAnswersBodyAndARedirectsLocationAreMasked() {
        var answer = new org.apache.camel.support.DefaultMessage(new org.apache.camel.impl.DefaultCamelContext());
        answer.setHeader(org.apache.camel.Exchange.HTTP_RESPONSE_CODE, 302);
        answer.setHeader("Location", "https://elsewhere.example/" + BridgeRun.ORBIT_KEY + "/v2");
        answer.setBody("moved for " + BridgeRun.ORBIT_KEY);
        mask.applyToAnswer(answer);
        assertThat(answer.getHeader("Location", String.class)).isEqualTo("https://elsewhere.example/[API key]/v2");
        assertThat(answer.getBody(String.class)).isEqualTo("moved for [API key]");
        assertThat(ApiAnswer.redirectTarget(answer.getHeader("Location", String.class)))
                .as("an unreadable path once masked is still named")
                .isEqualTo("an unreadable Location");
    }

    @Test
    void aKeyWrittenAsIsIsMaskedInAnyText() {
        assertThat(mask.apply("Invalid API key: " + BridgeRun.OPENPROSPECT_KEY + " <html>"))
                .isEqualTo("Invalid API key: [API key] <html>");
    }

    @Test
    void aPartOfAKeyOfEightCharactersOrMoreIsMaskedAShorterOneStays() {
        // API-answers audit: "tail <the key's last 12 characters>" reached a result and /jobs
        String key = BridgeRun.OPENPROSPECT_KEY;
        String tail = key.substring(key.length() - 12);
        assertThat(mask.apply("bad body for key tail " + tail + ", head " + key.substring(0, 8) + "."))
                .isEqualTo("bad body for key tail [API key], head [API key].");
        String lastFour = key.substring(key.length() - 4);
        String named = "the key ending in " + lastFour + " has no search:read scope";
        assertThat(mask.apply(named)).isSameAs(named);
        assertThat(mask.apply("keys " + key + key.substring(3, 11) + " and " + BridgeRun.ORBIT_KEY))
                .as("runs that touch join into one mask")
                .isEqualTo("keys [API key] and [API key]");
    }

    /**
     * Jobs-API audit: {@code /jobs/<guess>} echoed the guess masked when it was part of a key, and both keys were read
     * back a character at a time. A caller's own text has whole keys masked only, so no echo confirms a guess.
     */
    @Test
    void aCallersTextHasWholeKeysMaskedButNoPartThatWouldConfirmAGuess() {
        String key = BridgeRun.OPENPROSPECT_KEY;
        String guess = "no job has the id " + key.substring(0, 10) + " nor " + key.substring(3);
        assertThat(mask.apply(guess)).as("an API's answer").isEqualTo("no job has the id [API key] nor [API key]");
        assertThat(mask.applyToCallerText(guess)).isSameAs(guess);
        String percentEncoded = key.replace("_", "%5F");
        assertThat(mask.applyToCallerText("ids " + key + ", " + percentEncoded + " and " + BridgeRun.ORBIT_KEY + "."))
                .isEqualTo("ids [API key], [API key] and [API key].");
    }

    /**
     * Re-check audits: Orbit repeats the caller's requestId as request_id, and a 400 quotes the URL it refuses; an
     * answer masked by parts told a guess apart, as written (494 requests for both keys) and, once what the call sent
     * was spared as written, percent-, JSON- or HTML-escaped (13 requests a key). Only an answer about the key (401,
     * 403) has parts masked; every answer has whole keys masked, however spelt.
     */
    @Test
    void onlyAnAnswerAboutTheKeyHasPartsMaskedAnyOtherWholeKeysOnly() {
        String prefix = BridgeRun.ORBIT_KEY.substring(0, 7);
        char next = BridgeRun.ORBIT_KEY.charAt(7);
        List<String> guesses = List.of(
                prefix + next + "|n1",
                prefix + "%" + Integer.toHexString(next),
                prefix + "%25" + Integer.toHexString(next),
                prefix + "\\u00" + Integer.toHexString(next),
                prefix + "&#" + (int) next + ";",
                BridgeRun.OPENPROSPECT_KEY.substring(3));
        for (int status : List.of(200, 202, 400, 404, 409, 422, 429, 500, 503)) {
            for (String guess : guesses) {
                String answer = "{\"request_id\": \"" + guess + "\", \"message\": \"bad url http://x/ " + guess + "\"}";
                assertThat(mask.applyToAnswer(status, answer))
                        .as(status + " " + guess)
                        .isSameAs(answer);
            }
            for (String whole : List.of(
                    BridgeRun.ORBIT_KEY,
                    BridgeRun.ORBIT_KEY.replace("_", "%5F"),
                    BridgeRun.ORBIT_KEY.replace("_", "\\u005f"))) {
                assertThat(mask.applyToAnswer(status, "{\"request_id\": \"" + whole + "\"}"))
                        .as(status + " " + whole)
                        .isEqualTo("{\"request_id\": \"[API key]\"}");
            }
        }
        String tail = BridgeRun.OPENPROSPECT_KEY.substring(4);
        for (int status : List.of(401, 403)) {
            assertThat(mask.applyToAnswer(status, "{\"message\": \"key tail " + tail + " lacks orders:write\"}"))
                    .isEqualTo("{\"message\": \"key tail [API key] lacks orders:write\"}");
        }
    }

    @Test
    void digitsOfAKeyInsideANumberMaskTheWholeNumberAsAStringSoTheAnswerStaysJson() throws Exception {
        // config-and-APIs audit: with a key ending in 1234567890, a status answer's "score": 0.12345678901234567890
        // became "score": 0.[API key]..., no JSON, and the finished run was given up
        KeyMask mask = new KeyMask(new ApiCredentials().with(Api.ORBIT, "sk_orb_testkey_1234567890"));
        String answer = "{\"status\": \"completed\", \"score\": 0.12345678901234567890, \"n\": [1, -123456789e5 ],"
                + " \"note\": \"id 1234567890\", \"big\":91234567890}";
        String masked = mask.apply(answer);
        assertThat(masked)
                .isEqualTo("{\"status\": \"completed\", \"score\": \"[API key]\", \"n\": [1, \"[API key]\" ],"
                        + " \"note\": \"id [API key]\", \"big\":\"[API key]\"}");
        assertThat(Json.parse(masked).get("status").asText()).isEqualTo("completed");
        // digits inside a string stay text, masked where they stand, whatever stands around them (review)
        for (String inString : List.of(
                "{\"error\": {\"message\": \"key ending: 1234567890, check your dashboard\"}}",
                "{\"note\": \"ids [1234567890]\"}",
                "{\"raw\": \"{\\\"score\\\": 1234567890}\", \"n\": 1234567890}")) {
            String maskedText = mask.apply(inString);
            assertThat(Json.parseAnswer(maskedText)).as(maskedText).isPresent();
            assertThat(maskedText).doesNotContain("12345678");
        }
        assertThat(mask.apply("{\"raw\": \"{\\\"score\\\": 1234567890}\", \"n\": 1234567890}"))
                .isEqualTo("{\"raw\": \"{\\\"score\\\": [API key]}\", \"n\": \"[API key]\"}");
        String text = "limit 12345678901 reached";
        assertThat(mask.apply(text)).as("not JSON: masked where it stands").isEqualTo("limit [API key]1 reached");
    }

    @Test
    void aKeyEchoedPercentEncodedOrInBase64IsMasked() {
        String key = "ab+cd/ef=gh~ij_kl.mn-op12";
        KeyMask mask = new KeyMask(new ApiCredentials().with(Api.ORBIT, key));
        String query = java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(mask.apply("no such search: /v2/search?key=" + query + "&page=2"))
                .isEqualTo("no such search: /v2/search?key=[API key]&page=2");
        assertThat(mask.apply("GET /v2/search?key=" + query.toLowerCase(Locale.ROOT) + " refused"))
                .as("lower-case hex digits")
                .doesNotContain(query.substring(4, 16).toLowerCase(Locale.ROOT));
        for (String prefix : java.util.List.of("", "u:", "user:", "developer:")) {
            String header = java.util.Base64.getEncoder()
                    .encodeToString((prefix + key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String masked = mask.apply("{\"echo\":\"Authorization: Basic " + header + "\"}");
            assertThat(masked).as(prefix).contains("[API key]").doesNotContain(header.substring(8, 24));
            String urlSafe = header.replace('+', '-').replace('/', '_');
            assertThat(mask.apply("token " + urlSafe))
                    .as("URL-safe alphabet, " + prefix)
                    .contains("[API key]");
        }
        String unrelated =
                "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString("someone:else".getBytes());
        assertThat(mask.apply(unrelated)).isSameAs(unrelated);
    }

    @Test
    void aKeySpelledWithJsonEscapesIsMaskedInValuesAndNamesAtAnyDepth() throws Exception {
        // black-box audit: "lnc\u005flive..." passed the text mask, and parsing then turned it back into the key
        String escaped = escapeUnderscores(BridgeRun.OPENPROSPECT_KEY);
        String answer = "{\"detail\": \"Invalid key: Bearer " + escaped + "\", \"error\": {\"list\": [1.10, \""
                + escapeUnderscores(BridgeRun.ORBIT_KEY) + "\"]}, \"" + escaped + "\": 1E+2}";

        String masked = mask.apply(answer);

        assertThat(masked).doesNotContain("testkey");
        assertThat(Json.parse(masked).toString())
                .doesNotContain(BridgeRun.OPENPROSPECT_KEY)
                .doesNotContain(BridgeRun.ORBIT_KEY);
        assertThat(Json.parseAnswer(masked).orElseThrow())
                .isEqualTo(Json.parseAnswer("{\"detail\": \"Invalid key: Bearer [API key]\", \"error\": {\"list\": "
                                + "[1.10, \"[API key]\"]}, \"[API key]\": 1E+2}")
                        .orElseThrow());
    }

    @Test
    void anAnswerWithoutAKeyIsLeftAsItCameEscapesAndAll() {
        String answer = "{\"status\": \"caf\\u00e9\", \"n\": 1.10}";
        assertThat(mask.apply(answer)).isSameAs(answer);
        String notJson = "caf\\u00e9 " + escapeUnderscores(BridgeRun.OPENPROSPECT_KEY) + " <not json";
        assertThat(mask.apply(notJson))
                .as("a text may be the cut start of JSON, decoded when shown: the escapes of a key's characters count")
                .isEqualTo("caf\\u00e9 [API key] <not json");
    }

    @Test
    void aKeyWithSlashesWrittenWithEscapedSlashesIsMaskedAndTheAnswerStaysJson() {
        // security audit: PHP's json_encode writes "/" as "\/"; a key whose slashes cut it into pieces shorter than
        // eight characters passed the text mask whole, and one with longer pieces left "\[API key]", no longer JSON
        KeyMask slashes = new KeyMask(new ApiCredentials()
                .with(Api.OPENPROSPECT, "lnc_live_/tst001/tst002/tst003/tst004")
                .with(Api.ORBIT, "sk_orb_test0001/test0002/test0003"));
        for (String key : new String[] {"lnc_live_/tst001/tst002/tst003/tst004", "sk_orb_test0001/test0002/test0003"}) {
            String answer = "{\"message\": \"Invalid API key: " + key.replace("/", "\\/") + "\", \"n\": 1}";

            String masked = slashes.apply(answer);

            assertThat(Json.parseAnswer(masked))
                    .as("still JSON: %s", masked)
                    .hasValueSatisfying(parsed ->
                            assertThat(parsed.get("message").asText()).isEqualTo("Invalid API key: [API key]"));
        }
    }

    @Test
    void aKeyBesideAnotherEscapeIsMaskedAndTheEscapeKept() {
        String answer = "{\"message\": \"line\\n" + BridgeRun.OPENPROSPECT_KEY + " \\\"quoted\\\"\"}";

        String masked = mask.apply(answer);

        assertThat(Json.parseAnswer(masked).orElseThrow().get("message").asText())
                .isEqualTo("line\n[API key] \"quoted\"");
    }

    @Test
    void aKeyInEscapesAtTheStartOfACutAnswerIsMaskedThoughTheTextIsNotJson() {
        // security re-audit: an error answer cut at its cap is no JSON, so its escapes were left as they came, and
        // decoded when the cut answer was shown
        String cut = "{\"message\": \"key " + escapeAll(BridgeRun.OPENPROSPECT_KEY) + " not valid" + " ".repeat(200);

        assertThat(mask.apply(cut)).isEqualTo("{\"message\": \"key [API key] not valid" + " ".repeat(200));
        String withoutKey = "{\"message\": \"caf\\u00e9 \\/ " + " ".repeat(200);
        assertThat(mask.apply(withoutKey)).isSameAs(withoutKey);
    }

    @Test
    void aKeyWithSomeOfItsCharactersEscapedInAnyFormIsMaskedWholeEscapesAndAll() {
        // an API may echo a key percent-encoded for a few characters only, or as HTML character references, and a
        // browser or a URL decoder shows it whole; each form passed a mask that looked for the key as written
        String key = BridgeRun.OPENPROSPECT_KEY;
        for (String echoed : java.util.List.of(
                key.replace("_", "%5F"),
                key.replace("_", "%5f"),
                key.replace("_", "&#95;"),
                key.replace("_", "&#x5F;"),
                key.replace("_", "&lowbar;"),
                escapeAll(key).replace("\\u", "%u").replace("%u00", "%"),
                key.replace("_", "&amp;#95;"),
                key.replace("_", "%255F"),
                key.substring(0, 3) + "\\u005f" + key.substring(4).replace("_", "%5F"))) {
            String answer = "{\"message\": \"Invalid API key <b>" + echoed + "</b> &amp; 100% wrong\"}";

            String masked = mask.apply(answer);

            assertThat(masked)
                    .as(echoed)
                    .isEqualTo("{\"message\": \"Invalid API key <b>[API key]</b> &amp; 100% wrong\"}");
        }
    }

    @Test
    void escapesThatSpellNoKeyAreLeftAsTheyCame() {
        String answer = "{\"next\": \"/v2/search?q=caf%C3%A9&amp;page=2&#x1F600;&#99999999999;%zz&#;\\u12\", \"n\": 1}";
        assertThat(mask.apply(answer)).isSameAs(answer);
        String key = "k\u00e9y-\u00fc-" + "x".repeat(8);
        KeyMask unicode = new KeyMask(new ApiCredentials().with(Api.ORBIT, key));
        assertThat(unicode.apply("bad key " + java.net.URLEncoder.encode(key, java.nio.charset.StandardCharsets.UTF_8)))
                .as("a key's characters beyond ASCII, percent-encoded as UTF-8")
                .isEqualTo("bad key [API key]");
    }

    @Test
    void aKeyInAJsonTextInsideAJsonStringIsMaskedAndTheAnswerStaysJson() {
        // review: an escaped backslash before "u006c" was read as a backslash and an escape; the mask began on the
        // second backslash ("\\[API key]") and the answer no longer parsed
        String key = BridgeRun.OPENPROSPECT_KEY;
        for (String answer : new String[] {
            "{\"message\": \"bad key \\\\u006c" + key.substring(1) + "\"}",
            "{\"detail\": \"{\\\"key\\\": \\\"" + key.replace("_", "\\\\u005f") + "\\\"}\"}",
            "{\"detail\": \"" + escapeAll(key).replace("\\", "\\\\") + "\"}"
        }) {
            String masked = mask.apply(answer);

            assertThat(Json.parseAnswer(masked)).as("still JSON: %s", masked).isPresent();
            assertThat(masked).as(answer).contains("[API key]").doesNotContain("testkey");
            String decodedTwice = Json.parseAnswer(masked).orElseThrow().toString();
            assertThat(decodedTwice).doesNotContain("testkey");
        }
    }

    private static String escapeAll(String key) {
        StringBuilder escaped = new StringBuilder();
        key.chars().forEach(c -> escaped.append(String.format("\\u%04x", c)));
        return escaped.toString();
    }

    private static String escapeUnderscores(String key) {
        return key.replace("_", "\\u005f");
    }
}
