package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import io.profilebridge.api.Api;
import io.profilebridge.api.ApiError;
import io.profilebridge.api.PathSegment;
import io.profilebridge.job.RequestSource;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestReaderTest {

    private final RequestReader reader = new RequestReader(
            10_000,
            (api, body) -> body.has("bad") ? List.of(ApiError.of("some_rule", "bad: is not allowed")) : List.of());
    private final RequestSource source = RequestSource.file("r.json");

    private ReadRequest read(String text, String apiHint, String key) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return reader.read(bytes, bytes.length, apiHint, key, source);
    }

    private ApiError rejection(ReadRequest read) {
        assertThat(read).isInstanceOf(ReadRequest.Rejected.class);
        return ((ReadRequest.Rejected) read).error();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "''|request_empty",
                "'  \t '|request_empty",
                "not json|request_not_json",
                "[1, 2]|request_not_object",
                "\"text\"|request_not_object",
                "{\"a\": 1|request_not_json",
                "{\"api\": \"nope\", \"request\": {}}|api_unknown",
                "{\"bad\": true}|some_rule",
                "{\"api\": \"orbit\", \"request\": 5}|envelope_request_invalid",
                "{\"api\": \"orbit\", \"idempotencyKey\": 5, \"request\": {}}|idempotency_key_invalid",
                "{\"api\": \"orbit\", \"idempotencyKey\": \"\", \"request\": {}}|idempotency_key_invalid",
                "{\"api\": \"openprospect\", \"idempotencyKey\": \" \", \"request\": {}}|idempotency_key_invalid",
                "{\"api\": \"orbit\"}|envelope_request_invalid",
                "{\"api\": 1, \"request\": {}}|envelope_api_invalid",
                // a misspelt key was passed over and a run started under a derived key (hostile-input audit)
                "{\"api\": \"orbit\", \"idempotency_key\": \"k\", \"request\": {}}|envelope_field_unknown",
                "{\"api\": \"orbit\", \"requestId\": \"k\", \"request\": {\"email\": \"a@b.c\"}}|envelope_field_unknown",
                // an exponent beyond an int's: before, an unchecked exception and the file taken again for ever
                "{\"intent\": {\"x\": 1e9999999999}}|request_number_out_of_range",
                "{\"x\": 1e-2147483649}|request_number_out_of_range"
            })
    void badInputIsRejectedWithACodeNamingTheProblem(String text, String code) {
        assertThat(rejection(read(text, text.contains("\"api\"") ? null : "openprospect", null))
                        .code())
                .isEqualTo(code);
    }

    @Test
    void aRequestThatIsNoObjectSaysWhatItIsInWords() {
        assertThat(rejection(read("[1, 2]", "orbit", null)).message())
                .isEqualTo("the request is JSON but not an object (found an array)");
        assertThat(rejection(read("null", "orbit", null)).message()).endsWith("(found null)");
    }

    /**
     * Personal-data audit: an unquoted word was echoed whole by the parser's message, into the log, the result and the
     * job; its length and place say enough to find it.
     */
    @Test
    void aRequestThatIsNotJsonIsRefusedWithoutItsWords() {
        assertThat(rejection(read("{\"email\": jane.doe@example.org}", "orbit", null)))
                .satisfies(error -> assertThat(error.code()).isEqualTo("request_not_json"))
                .satisfies(error -> assertThat(error.message())
                        .startsWith("the request is not JSON: Unrecognized token (4 characters, not shown): was"
                                + " expecting")
                        .contains("line 1, column")
                        .doesNotContain("jane"));
    }

    @Test
    void aLongNumberOrFieldNameIsJudgedByItsRuleNotAsNesting() {
        // inbox audit: a 1,001-digit number or a 60,000-character field name in a flat object was refused as "nests
        // deeper than 64 levels"
        RequestReader roomy = new RequestReader(100_000, (api, body) -> List.of());
        byte[] longNumber = ("{\"n\": " + "9".repeat(1001) + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(roomy.read(longNumber, longNumber.length, "openprospect", null, source)))
                .satisfies(error -> assertThat(error.code()).isEqualTo("request_number_out_of_range"))
                .satisfies(error -> assertThat(error.message())
                        .isEqualTo("n: the number has more than 1000 digits, more than the bridge reads"));
        byte[] longName = ("{\"" + "k".repeat(60_000) + "\": 1}").getBytes(StandardCharsets.UTF_8);
        assertThat(roomy.read(longName, longName.length, "openprospect", null, source))
                .as("a long name is the API's to judge")
                .isInstanceOf(ReadRequest.Valid.class);
    }

    @Test
    void numbersAreSentAsWrittenNotRoundedToADouble() {
        // before: 1.10 went out as 1.1, and the digits of pi beyond a double's were dropped (black-box audit)
        ReadRequest read = read(
                "{\"a\": 1.10, \"pi\": 3.14159265358979323846264338327950288, \"big\": 9007199254740993}",
                "openprospect",
                null);
        assertThat(((ReadRequest.Valid) read).body().toString())
                .isEqualTo("{\"a\":1.10,\"pi\":3.14159265358979323846264338327950288,\"big\":9007199254740993}");
    }

    /** A null requestId is no key of the caller's: the request gets a derived one, sent in its place (Orbit audit). */
    @Test
    void aNullRequestIdIsGivenADerivedKey() {
        ReadRequest orbit = read("{\"requestId\": null, \"email\": \"a@example.com\"}", "orbit", null);
        assertThat(orbit).isInstanceOfSatisfying(ReadRequest.Valid.class, valid -> {
            assertThat(valid.keyGiven()).isFalse();
            assertThat(valid.idempotencyKey()).isNotBlank();
            assertThat(valid.body().get("requestId").asText()).isEqualTo(valid.idempotencyKey());
        });
    }

    @Test
    void aCallersKeyIsTakenAsSentUpToWhatAUrlCarriesAndRefusedNamingTheLimitBeyond() {
        // before: a key over 500 characters was refused (the store's index, since made unbounded); then a
        // 500,000-character requestId started a paid run whose status URL no server took (black-box audit)
        String longest = "k".repeat(PathSegment.MAX_ENCODED_LENGTH);
        ReadRequest orbit = read("{\"requestId\": \"" + longest + "\", \"email\": \"a@example.com\"}", "orbit", null);
        assertThat(orbit)
                .isInstanceOfSatisfying(
                        ReadRequest.Valid.class,
                        valid -> assertThat(valid.idempotencyKey()).isEqualTo(longest));
        assertThat(read("{\"email\": \"a@example.com\"}", "orbit", longest)).isInstanceOf(ReadRequest.Valid.class);
        assertThat(read("{}", "openprospect", longest)).isInstanceOf(ReadRequest.Valid.class);

        ApiError orbitTooLong = rejection(read("{\"email\": \"a@example.com\"}", "orbit", longest + "k"));
        assertThat(orbitTooLong.code()).isEqualTo("idempotency_key_too_long");
        assertThat(orbitTooLong.message())
                .startsWith("idempotencyKey: at most 4000 characters once percent-encoded for a URL")
                .endsWith("this one has 4001");
        // percent-encoded, a character beyond ASCII takes 6 to 12
        ApiError encodedTooLong = rejection(
                read("{\"requestId\": \"" + "ключ".repeat(200) + "\", \"email\": \"a@example.com\"}", "orbit", null));
        assertThat(encodedTooLong.message())
                .startsWith("requestId: at most 4000")
                .endsWith("this one has 4800");
        assertThat(rejection(read("{}", "openprospect", longest + "/")).message())
                .startsWith("idempotencyKey: at most 4000")
                .endsWith("this one has 4003");
    }

    @Test
    void aRequestRefusedByARuleNamesTheCallersKeyWhenAResultCanCarryIt() {
        // result-documents audit: the envelope's, the JMS property's and Orbit's requestId were all dropped, so a
        // caller matching results by its own key found none for a refused request
        assertThat(keyOf(read(
                        "{\"api\": \"openprospect\", \"idempotencyKey\": \"crm-1\", \"request\": {\"bad\": 1}}",
                        null,
                        null)))
                .isEqualTo("crm-1");
        assertThat(keyOf(read("{\"bad\": 1}", "openprospect", "jms-2"))).isEqualTo("jms-2");
        assertThat(keyOf(read("{\"requestId\": \"run-3\", \"bad\": 1}", "orbit", null)))
                .isEqualTo("run-3");
        assertThat(keyOf(read("{\"requestId\": 5, \"bad\": 1}", "orbit", null)))
                .as("no string, no key")
                .isNull();
        assertThat(keyOf(read("{\"bad\": 1}", "openprospect", null)))
                .as("no key of the caller's: none is made up for a request that starts nothing")
                .isNull();
        assertThat(keyOf(read("{\"bad\": 1}", "openprospect", "k".repeat(PathSegment.MAX_ENCODED_LENGTH + 1))))
                .as("longer than a JMS property or a URL may carry")
                .isNull();
    }

    private static String keyOf(ReadRequest read) {
        assertThat(read).isInstanceOf(ReadRequest.Rejected.class);
        return ((ReadRequest.Rejected) read).idempotencyKey();
    }

    @Test
    void anOpenProspectKeyThatAHeaderCannotCarryAsWrittenIsRefusedWhileOrbitTakesAnyString() {
        // before: "pair\nkey" went out as "pair key", another request's key (black-box audit)
        for (String key : new String[] {"pair\nkey", " lead", "trail ", "tab\tkey", "ключ"}) {
            ApiError refused = rejection(read("{}", "openprospect", key));
            assertThat(refused.code()).as(key).isEqualTo("idempotency_key_invalid");
            assertThat(refused.message()).contains("Idempotency-Key HTTP header");
            // idempotency audit: the refusal named no key, so the caller could not match it
            assertThat(keyOf(read("{}", "openprospect", key))).as(key).isEqualTo(key);
        }
        assertThat(read("{}", "openprospect", "inner space ~!")).isInstanceOf(ReadRequest.Valid.class);
        assertThat(read("{\"email\": \"a@example.com\"}", "orbit", "pair\nkey ключ"))
                .isInstanceOf(ReadRequest.Valid.class);
    }

    @Test
    void oneJsonObjectWithEachFieldOnceIsRequiredAndALeadingByteOrderMarkIsAllowed() {
        ApiError trailing = rejection(read("{\"a\": 1}\n{\"a\": 2}", "openprospect", null));
        assertThat(trailing.code()).isEqualTo("request_trailing_data");
        assertThat(trailing.message()).contains("line 2, column 1").contains("exactly one JSON object");
        assertThat(rejection(read("{\"a\": 1} garbage", "openprospect", null)).code())
                .isEqualTo("request_trailing_data");
        // winedit audit: a DOS editor's Ctrl-Z was placed at the closing brace, and not named
        ApiError controlCharacter = rejection(read("{\"a\": 1}\n\n\u001a", "openprospect", null));
        assertThat(controlCharacter.code()).isEqualTo("request_trailing_data");
        assertThat(controlCharacter.message()).contains("at line 3, column 1 (").contains("code 26");
        assertThat(rejection(read("{\"a\": 1}\r\n\r\n  x", "openprospect", null))
                        .message())
                .contains("at line 3, column 3 (");
        ApiError duplicate = rejection(read("{\"request\": {\"a\": 1, \"a\": 2}, \"api\": \"orbit\"}", null, null));
        assertThat(duplicate.code()).isEqualTo("request_duplicate_field");
        assertThat(duplicate.message()).startsWith("field \"a\" appears twice in one object at line 1");
        assertThat(read("\uFEFF{\"a\": 1}  \n", "openprospect", null)).isInstanceOf(ReadRequest.Valid.class);
        assertThat(rejection(read("\uFEFF\uFEFF{\"a\": 1}", "openprospect", null))
                        .code())
                .isEqualTo("request_not_json");
    }

    @Test
    void aBodyWithNoApiIsRejected() {
        assertThat(rejection(read("{\"email\": \"a@b.c\"}", null, null)).code()).isEqualTo("api_unknown");
        // winedit audit: a non-breaking space, which is not trimmed, was shown as a space, which is
        assertThat(rejection(read("{\"api\": \"orbit\u00A0\", \"request\": {}}", null, null))
                        .message())
                .isEqualTo("api: \"orbit\\u00A0\" is not one of openprospect, orbit");
    }

    @Test
    void anEnvelopeIsToldWhichOfItsFieldsIsMissing() {
        ApiError noRequest = rejection(read("{\"api\": \"openprospect\"}", null, null));
        assertThat(noRequest.message()).isEqualTo("request: field required in an envelope");
        assertThat(((ReadRequest.Rejected) read("{\"api\": \"openprospect\"}", null, null)).api())
                .isEqualTo("openprospect");
        ApiError noApi = rejection(read("{\"request\": {\"email\": \"a@b.c\"}}", null, null));
        assertThat(noApi.code()).isEqualTo("envelope_api_invalid");
        assertThat(noApi.message()).startsWith("api: field required");
    }

    @Test
    void aNumberBeyondADoubleIsTheApisToJudgeSentAsWrittenUnderAKeyOfItsOwn() {
        // hostile-input audit: 1e400 was refused while a 400-digit integer, as far beyond a double, was sent; the API
        // judges both. Its key keeps it exact: as a double, 1e400 and 2e400 were one key (Infinity)
        ReadRequest huge = read("{\"a\": {\"company_size_min\": 1e400}, \"tiny\": -2.5e-999}", "openprospect", null);
        assertThat(((ReadRequest.Valid) huge).body().toString())
                .isEqualTo("{\"a\":{\"company_size_min\":1E+400},\"tiny\":-2.5E-999}");
        ReadRequest twice = read("{\"a\": {\"company_size_min\": 2e400}, \"tiny\": -2.5e-999}", "openprospect", null);
        assertThat(((ReadRequest.Valid) twice).idempotencyKey())
                .isNotEqualTo(((ReadRequest.Valid) huge).idempotencyKey());
        // within a double's range the canonical form, and so every key derived before, is as it was
        assertThat(Json.canonical(Json.parseStored("{\"b\": 1.50, \"a\": 1e300, \"c\": 0.0}")))
                .isEqualTo("{\"a\":1.0E300,\"b\":1.5,\"c\":0.0}");
    }

    @Test
    void aRuleThatFailsGivesTheRequestAFailedAnswerInsteadOfTakingItAgainForever() {
        RequestReader broken = new RequestReader(1000, (api, body) -> {
            throw new NumberFormatException("Character I is neither a decimal digit");
        });
        byte[] bytes = "{\"a\": 1}".getBytes(StandardCharsets.UTF_8);
        ApiError error = rejection(broken.read(bytes, bytes.length, "openprospect", null, source));
        assertThat(error.code()).isEqualTo("request_uncheckable");
        assertThat(error.message()).contains("openprospect rules").contains("NumberFormatException");
    }

    @Test
    void invalidUtf8AndHugeAndDeepInputAreRejected() {
        byte[] latin1 = "{\"n\": \"Müller\"}".getBytes(StandardCharsets.ISO_8859_1);
        ApiError notUtf8 = rejection(reader.read(latin1, latin1.length, "orbit", null, source));
        assertThat(notUtf8.code()).isEqualTo("request_not_utf8");
        assertThat(notUtf8.message()).as("where").contains("byte 8 (counted from 0), 0xFC");
        assertThat(rejection(reader.read(null, 50_000, "orbit", null, source)).code())
                .isEqualTo("request_too_large");
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        RequestReader roomy = new RequestReader(100_000, (api, body) -> List.of());
        byte[] bytes = deep.getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(roomy.read(bytes, bytes.length, "orbit", null, source))
                        .code())
                .isEqualTo("request_too_deep");
    }

    /**
     * Hostile-content audit: a body of the full depth was taken in orbit/ and refused inside an envelope, whose own
     * level counted against it; a refusal said not where.
     */
    @Test
    void anEnvelopeAroundABodyOfTheFullDepthIsTakenAndOneLevelMoreIsRefusedSayingWhere() {
        RequestReader roomy = new RequestReader(100_000, (api, body) -> List.of());
        String full = "{\"a\":".repeat(Json.MAX_NESTING_DEPTH) + "1" + "}".repeat(Json.MAX_NESTING_DEPTH);
        String deeper = "{\"a\":" + full + "}";
        for (String[] taken :
                new String[][] {{full, "orbit"}, {"{\"api\": \"orbit\", \"request\": " + full + "}", null}}) {
            byte[] bytes = taken[0].getBytes(StandardCharsets.UTF_8);
            assertThat(roomy.read(bytes, bytes.length, taken[1], null, source)).isInstanceOf(ReadRequest.Valid.class);
        }
        for (String[] refused : new String[][] {
            {deeper, "orbit"},
            {"{\"api\": \"orbit\", \"request\": " + deeper + "}", null},
            {"{\"api\": \"orbit\", \"request\": {}, \"x\": " + full + "}", null}
        }) {
            byte[] bytes = refused[0].getBytes(StandardCharsets.UTF_8);
            assertThat(rejection(roomy.read(bytes, bytes.length, refused[1], null, source))
                            .code())
                    .as(refused[0])
                    .isEqualTo("request_too_deep");
        }
        String far = "[".repeat(200) + "]".repeat(200);
        byte[] bytes = ("{\n\"urls\": " + far + "}").getBytes(StandardCharsets.UTF_8);
        assertThat(rejection(roomy.read(bytes, bytes.length, "orbit", null, source))
                        .message())
                .startsWith("the request nests deeper than 64 levels at line 2, column ");
    }

    @Test
    void orbitGetsItsKeyAsRequestIdInTheBody() {
        var valid = (ReadRequest.Valid) read("{\"email\": \"a@b.c\"}", "orbit", null);
        assertThat(valid.body().get("requestId").asText()).isEqualTo(valid.idempotencyKey());
        var explicit = (ReadRequest.Valid) read("{\"email\": \"a@b.c\", \"requestId\": \"mine\"}", "orbit", null);
        assertThat(explicit.idempotencyKey()).isEqualTo("mine");
    }

    @Test
    void anEnvelopeKeyWinsAndItsApiIsUsed() {
        var valid = (ReadRequest.Valid)
                read("{\"api\": \"openprospect\", \"idempotencyKey\": \"k-1\", \"request\": {\"x\": 1}}", null, null);
        assertThat(valid.api()).isEqualTo(Api.OPENPROSPECT);
        assertThat(valid.idempotencyKey()).isEqualTo("k-1");
        assertThat(valid.body().toString()).isEqualTo("{\"x\":1}");
    }

    @Test
    void anEnvelopeForTheWrongFolderIsRejected() {
        assertThat(rejection(read("{\"api\": \"orbit\", \"request\": {}}", "openprospect", null))
                        .code())
                .isEqualTo("envelope_api_mismatch");
    }

    /** Contract audit: "request: the body that was (or would have been) sent"; some refusals showed the envelope. */
    @Test
    void aRefusedEnvelopesResultShowsTheBodyItWouldHaveSent() throws Exception {
        for (String envelope : List.of(
                "{\"api\": \"orbit\", \"request\": {\"email\": \"a@b.c\"}}", // for the openprospect folder
                "{\"api\": \"openprospect\", \"idempotency_key\": \"k\", \"request\": {\"email\": \"a@b.c\"}}",
                "{\"api\": \"openprospect\", \"idempotencyKey\": 7, \"request\": {\"email\": \"a@b.c\"}}")) {
            ReadRequest read = read(envelope, "openprospect", null);
            assertThat(read).isInstanceOf(ReadRequest.Rejected.class);
            assertThat(((ReadRequest.Rejected) read).body())
                    .as(envelope)
                    .isEqualTo(Json.parse("{\"email\": \"a@b.c\"}"));
        }
    }

    @Test
    void anEnvelopeNamingItsFoldersApiInAnotherCaseIsTakenAsEachAloneIs() {
        // before: "Orbit" in the orbit folder (or with the JMS property orbit) was refused as a mismatch
        for (String named : List.of("Orbit", " ORBIT ", "orbit")) {
            ReadRequest read = read("{\"api\": \"" + named + "\", \"request\": {\"x\": 1}}", "orbit", null);
            assertThat(read).as("envelope api %s", named).isInstanceOf(ReadRequest.Valid.class);
            assertThat(((ReadRequest.Valid) read).api()).isEqualTo(Api.ORBIT);
        }
        assertThat(rejection(read("{\"api\": \"Orbit\", \"request\": {}}", " OpenProspect", null))
                        .code())
                .isEqualTo("envelope_api_mismatch");
    }

    @Test
    void anEnvelopeWithoutItsApiIsRefusedSayingWhatItLooksLike() {
        ApiError error = rejection(read("{\"request\": {\"bad\": 1}, \"bad\": true}", "orbit", null));
        assertThat(error.code()).isEqualTo("some_rule");
        assertThat(error.message())
                .startsWith("bad: is not allowed")
                .endsWith("(it looks like an envelope without its \"api\": an envelope names its API, {\"api\":"
                        + " \"orbit\", \"request\": {...}})");
        assertThat(rejection(read("{\"bad\": true}", "orbit", null)).message()).isEqualTo("bad: is not allowed");
    }

    @Test
    void aRefusalAfterTheEnvelopesKeyWasReadNamesThatKey() {
        ReadRequest.Rejected noRequest = (ReadRequest.Rejected)
                read("{\"api\": \"orbit\", \"idempotencyKey\": \"env-1\", \"request\": 5}", null, null);
        assertThat(noRequest.error().code()).isEqualTo("envelope_request_invalid");
        assertThat(noRequest.idempotencyKey()).isEqualTo("env-1");
        ReadRequest.Rejected noApi = (ReadRequest.Rejected)
                read("{\"api\": \"nope\", \"idempotencyKey\": \"env-2\", \"request\": {}}", null, null);
        assertThat(noApi.error().code()).isEqualTo("api_unknown");
        assertThat(noApi.idempotencyKey()).isEqualTo("env-2");
    }

    @Test
    void everyRefusalOfAParsedRequestNamesTheCallersKeyThePropertyFirst() {
        // review: an envelope's key was named by some refusals only, and Orbit's requestId before the JMS property
        for (String envelope : List.of(
                "{\"api\": \"openprospect\", \"idempotencyKey\": \"k-7\", \"request\": {}}",
                "{\"api\": 5, \"idempotencyKey\": \"k-7\", \"request\": {}}",
                "{\"api\": \"orbit\", \"idempotencyKey\": \"k-7\", \"request\": {\"x\": \"\\ud800\"}}",
                "{\"api\": \"orbit\", \"idempotencyKey\": \"k-7\", \"request\": {}, \"extra\": 1}")) {
            ReadRequest.Rejected refused =
                    (ReadRequest.Rejected) read(envelope, envelope.contains("5,") ? null : "orbit", null);
            assertThat(refused.idempotencyKey()).as(envelope).isEqualTo("k-7");
        }
        ReadRequest.Rejected both = (ReadRequest.Rejected) read("{\"requestId\": \"r-1\", \"bad\": 1}", "orbit", "k-1");
        assertThat(both.error().code()).isEqualTo("some_rule");
        assertThat(both.idempotencyKey()).isEqualTo("k-1");
        ReadRequest.Rejected requestIdOnly =
                (ReadRequest.Rejected) read("{\"requestId\": \"r-1\", \"bad\": 1}", "orbit", null);
        assertThat(requestIdOnly.idempotencyKey()).isEqualTo("r-1");
        ReadRequest.Rejected derivedOnly = (ReadRequest.Rejected) read("{\"bad\": 1}", "orbit", null);
        assertThat(derivedOnly.idempotencyKey())
                .as("a derived key was never used")
                .isNull();
    }

    @Test
    void aValidRequestSaysWhetherItsKeyWasTheCallersOrDerived() {
        assertThat(((ReadRequest.Valid) read("{\"x\": 1}", "openprospect", null)).keyGiven())
                .isFalse();
        assertThat(((ReadRequest.Valid) read("{\"x\": 1}", "openprospect", "k-1")).keyGiven())
                .isTrue();
        assertThat(((ReadRequest.Valid) read("{\"requestId\": \"r-1\"}", "orbit", null)).keyGiven())
                .isTrue();
        assertThat(((ReadRequest.Valid) read("{\"email\": \"a@b.c\"}", "orbit", null)).keyGiven())
                .isFalse();
        // and in which field (review: an Orbit key given as idempotencyKey was named as a requestId)
        assertThat(((ReadRequest.Valid) read("{\"email\": \"a@b.c\"}", "orbit", "k-2")).keyField())
                .isEqualTo("idempotencyKey");
        assertThat(((ReadRequest.Valid) read("{\"requestId\": \"r-1\"}", "orbit", null)).keyField())
                .isEqualTo("requestId");
        assertThat(((ReadRequest.Valid) read("{\"x\": 1}", "openprospect", "k-1")).keyField())
                .isEqualTo("idempotencyKey");
    }

    @Test
    void halfASurrogatePairIsRejectedNamingTheFieldAndItsResultCanStillBeWritten() {
        ApiError error =
                rejection(read("{\"email\": \"a@b.c\", \"usernames\": [\"ok\", \"x\\ud800\"]}", "orbit", null));
        assertThat(error.code()).isEqualTo("request_not_unicode");
        assertThat(error.message()).startsWith("usernames[1]:");
        String written = Json.write(Json.object().put("requestId", "\ud800").put("fine", "\ud83d\ude00"));
        assertThat(written).isEqualTo("{\"requestId\":\"\\ud800\",\"fine\":\"\ud83d\ude00\"}");
        assertThat(StandardCharsets.UTF_8.newEncoder().canEncode(written)).isTrue();
    }

    @Test
    void anOrbitKeyNoUrlCanNameIsRejectedBeforeAnyRunStartsNamingWhereItCameFrom() {
        ApiError property = rejection(read("{\"email\": \"a@b.c\"}", "orbit", "\udc00"));
        assertThat(property.code()).isEqualTo("request_id_unusable");
        assertThat(property.message()).startsWith("idempotencyKey: is not valid Unicode");
        assertThat(rejection(read("{\"email\": \"a@b.c\", \"requestId\": \"\\udc00\"}", "orbit", null))
                        .code())
                .isEqualTo("request_not_unicode");
    }

    /** Hostile-content audit: it came back as api "unknown", showing the whole envelope. */
    @Test
    void anEnvelopeHoldingHalfASurrogatePairIsRefusedAsItsApisShowingItsBody() {
        ReadRequest.Rejected refused = (ReadRequest.Rejected) read(
                "{\"api\": \"orbit\", \"idempotencyKey\": \"a\\ud800b\", \"request\": {\"email\": \"a@b.c\"}}",
                null,
                null);
        assertThat(refused.error().code()).isEqualTo("request_not_unicode");
        assertThat(refused.api()).isEqualTo("orbit");
        assertThat(refused.body()).isEqualTo(Json.object().put("email", "a@b.c"));
    }

    @Test
    void aUtf16RequestIsNamedAsSuch() {
        byte[] utf16 = "{\"profile_name\": \"x\"}".getBytes(StandardCharsets.UTF_16LE);
        byte[] withMark = new byte[utf16.length + 2];
        withMark[0] = (byte) 0xFF;
        withMark[1] = (byte) 0xFE;
        System.arraycopy(utf16, 0, withMark, 2, utf16.length);
        ApiError error = rejection(reader.read(withMark, withMark.length, "openprospect", null, source));
        assertThat(error.code()).isEqualTo("request_not_utf8");
        assertThat(error.message())
                .endsWith("it is UTF-16LE, by its byte-order mark (an editor's \"Unicode\"): save it as UTF-8");

        // encodings audit: without a mark, its NUL bytes read as UTF-8, and it was refused as JSON holding a control
        // character, nothing said of its encoding
        String json = "{\"profile_name\": \"x\"}";
        for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-32LE", "UTF-32BE")) {
            byte[] bytes = json.getBytes(java.nio.charset.Charset.forName(charset));
            ApiError without = rejection(reader.read(bytes, bytes.length, "openprospect", null, source));
            assertThat(without.code()).as(charset).isEqualTo("request_not_utf8");
            assertThat(without.message()).as(charset).contains("it is " + charset + " without a byte-order mark");
        }
    }

    @Test
    void anOrbitKeyHoldingNulIsRejectedNamingItsFieldHoweverItComes() {
        // PostgreSQL's text cannot keep U+0000: before, the job could not be recorded and the file was taken again
        // for ever, a JMS message went to the DLQ without a result (hostile-input audit)
        ApiError inBody = rejection(read("{\"email\": \"a@b.c\", \"requestId\": \"nul\\u0000key\"}", "orbit", null));
        assertThat(inBody.code()).isEqualTo("idempotency_key_invalid");
        assertThat(inBody.message()).startsWith("requestId: holds the character U+0000 (NUL)");
        ApiError given = rejection(read("{\"email\": \"a@b.c\"}", "orbit", "jms\0key"));
        assertThat(given.code()).isEqualTo("idempotency_key_invalid");
        assertThat(given.message()).startsWith("idempotencyKey: holds the character U+0000 (NUL)");
        assertThat(rejection(read("{\"profile_name\": \"x\"}", "openprospect", "op\0key"))
                        .code())
                .isEqualTo("idempotency_key_invalid");
    }

    @Test
    void spacesAloneAreAnOrbitKeyHoweverTheyCome() {
        // idempotency audit: "   " was taken as an Orbit body's requestId but refused as the envelope's key or the
        // JMS property, as "not a non-empty string"
        String body = "{\"email\": \"a@b.c\"}";
        assertThat(((ReadRequest.Valid) read(body, "orbit", "   ")).idempotencyKey())
                .isEqualTo("   ");
        assertThat(((ReadRequest.Valid) read(
                                "{\"api\": \"orbit\", \"idempotencyKey\": \"   \", \"request\": " + body + "}",
                                null,
                                null))
                        .idempotencyKey())
                .isEqualTo("   ");
        assertThat(((ReadRequest.Valid) read("{\"requestId\": \"   \", \"email\": \"a@b.c\"}", "orbit", null))
                        .idempotencyKey())
                .isEqualTo("   ");
        assertThat(rejection(read("{}", "openprospect", "   ")).message()).contains("Idempotency-Key HTTP header");
    }

    @Test
    void anEmptyKeyPropertyOrOneTheEnvelopeContradictsIsRejected() {
        assertThat(rejection(read("{\"a\": 1}", "openprospect", "")).code()).isEqualTo("idempotency_key_invalid");
        assertThat(rejection(read("{\"email\": \"a@b.c\"}", "orbit", "")).code())
                .isEqualTo("idempotency_key_invalid");
        assertThat(rejection(read("{\"api\": \"orbit\", \"idempotencyKey\": \"a\", \"request\": {}}", null, "b"))
                        .code())
                .isEqualTo("idempotency_key_mismatch");
        var same = (ReadRequest.Valid)
                read("{\"api\": \"openprospect\", \"idempotencyKey\": \"a\", \"request\": {}}", null, "a");
        assertThat(same.idempotencyKey()).isEqualTo("a");
    }

    @Test
    void conflictingOrbitKeysAreRejected() {
        assertThat(rejection(read("{\"email\": \"a@b.c\", \"requestId\": \"a\"}", "orbit", "b"))
                        .code())
                .isEqualTo("idempotency_key_mismatch");
    }

    @Test
    void aTextThatStopsBeforeItsJsonEndsIsToldFromOneThatIsWrong() {
        byte[] cutInsideACharacter = utf8("{\"email\": \"\u00e9");
        // third black-box audit added white space alone and half a byte-order mark: both were rejected at once
        List<byte[]> unfinished = List.of(
                new byte[0],
                utf8("{\"profile_name\": \"Paused writer\", "),
                utf8("{\"email\": \"slow2@exa"),
                utf8(" \n "),
                new byte[] {(byte) 0xEF, (byte) 0xBB},
                Arrays.copyOf(cutInsideACharacter, cutInsideACharacter.length - 1),
                // inbox audit: a pause inside a literal or after a decimal point, and a writer that sets the size
                // first (NUL bytes where the rest goes) were rejected as not JSON at once
                utf8("{\"profile_name\": \"p\", \"flag\": t"),
                utf8("{\"x\": fal"),
                utf8("{\"y\": nu"),
                utf8("{\"z\": -1."),
                new byte[64],
                Arrays.copyOf(utf8("{\"email\": \"a@b"), 40));
        List<byte[]> complete = List.of(
                utf8("{\"email\": \"a@example.com\"}"),
                utf8("profile_name=x"),
                utf8("{\"a\": 1,, "),
                utf8("{\"a\": tru}"),
                // inbox audit: a bad byte inside a field name was held 30 s as a name cut short
                new byte[] {'{', '"', 'e', (byte) 0xC3, '"', ':', ' ', '1'},
                utf8("{\"a\": nul, \"b\": 1}"),
                new byte[] {(byte) 0xFF, '{'});
        assertThat(unfinished).allMatch(UnfinishedWrite::endsEarly);
        assertThat(complete).noneMatch(UnfinishedWrite::endsEarly);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
