package io.profilebridge.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import io.profilebridge.api.Api;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bridge's own rules are never stricter than the documents: what they leave open passes, to be judged by the API. */
class DocumentedRulesTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"linkedinUrl\": \"HTTPS://WWW.LINKEDIN.COM/in/JaneDoe\"}",
                "{\"linkedinUrl\": \"https://de.linkedin.com/in/jane-doe-1234/?trk=x\"}",
                "{\"linkedinUrl\": \"https://www.linkedin.com/pub/jane-doe/1/2/3\"}",
                "{\"linkedinUrl\": \"linkedin.com/in/janedoe\"}",
                "{\"urls\": [\"https://jane_doe.github.io/\"]}",
                "{\"urls\": [\"HTTP://EXAMPLE.COM\", \"https://münchen.de/über uns\"]}",
                "{\"email\": \"jane@localhost\"}",
                "{\"email\": \"\\\"jane doe\\\"@example.com\"}",
                "{\"phoneNumber\": \"+1-800-FLOWERS\"}",
                // "phoneNumber string": no format, so no leading + either (test-quality audit: a rule asking for one
                // passed every test)
                "{\"phoneNumber\": \"030 1234567\"}",
                "{\"requestId\": \"   \", \"email\": \"a@example.com\"}",
                "{\"requestId\": \"batch 7/item#1\", \"email\": \"a@example.com\"}",
                "{\"structuredIntent\": {\"names\": \"Jane\"}}",
                "{\"structuredIntent\": {\"version\": \"v1\", \"id\": \"mine\"}}",
                "{\"email\": null}",
                "{\"linkedinUrl\": null, \"phoneNumber\": null}",
                // a null is "not provided" alike in every optional field (audit: these two were refused, a null
                // email sent)
                "{\"email\": \"a@example.com\", \"runShape\": null}",
                "{\"structuredIntent\": {\"version\": \"v1\", \"names\": \"Jane\", \"personalization\": null}}",
                // "structuredIntent was provided but its value is not a valid object": a null one may be "not
                // provided", as a null personalization (Orbit audit: refused)
                "{\"email\": \"a@example.com\", \"structuredIntent\": null}",
                "{\"email\": \"a@example.com\", \"requestId\": null, \"profileId\": null}",
                "{\"email\": \"a@example.com\", \"urls\": null, \"usernames\": null}",
                "{\"linkedinUrl\": \"https://www.linkedin.com./in/jane\"}",
                "{\"linkedinUrl\": \"https://www.linkedin.cn/in/jane\"}",
                "{\"linkedinUrl\": \"https://lnkd.in/abc123\"}",
                // a URL parser (WHATWG) reads each of these as https://example.com/a (API-docs audit)
                "{\"urls\": [\" https://example.com/a\"]}",
                "{\"urls\": [\"https:example.com/a\"]}",
                "{\"urls\": [\"https:\\\\\\\\example.com\\\\a\"]}",
                // and these as https://www.linkedin.com/in/jane: a tab or a line break anywhere is dropped, the host
                // percent-decoded and mapped (full-width letters, an ideographic full stop) (strictness audit)
                "{\"linkedinUrl\": \"https://www.linkedin%2Ecom/in/jane\"}",
                "{\"linkedinUrl\": \"https://www.linked\\tin.com/in/jane\"}",
                "{\"linkedinUrl\": \"https://www.linked\\nin.com/in/jane\"}",
                "{\"linkedinUrl\": \"https://www.linkedin\u3002com/in/jane\"}",
                "{\"linkedinUrl\": \"https://www.\uff4c\uff49\uff4e\uff4b\uff45\uff44\uff49\uff4e.com/in/jane\"}",
                "{\"urls\": [\"ht\\ttps://example.com/jane\"]}"
            })
    void orbitInputTheDocsDoNotClearlyRejectPasses(String body) throws Exception {
        assertThat(DocumentedRules.INSTANCE.violations(Api.ORBIT, Json.parse(body)))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"linkedinUrl\": \"https://example.com/in/jane\"}|developer_deep_search_linkedin_invalid",
                "{\"linkedinUrl\": \"https://linkedin.com.evil.example/in/jane\"}|developer_deep_search_linkedin_invalid",
                "{\"urls\": [\"ftp://example.com\"]}|developer_deep_search_url_invalid",
                "{\"urls\": [\"example.com\"]}|developer_deep_search_url_invalid",
                "{\"email\": \"nobody\"}|developer_deep_search_email_invalid",
                "{\"email\": \"@example.com\"}|developer_deep_search_email_invalid",
                "{\"phoneNumber\": 4930123456}|developer_deep_search_phone_invalid",
                "{\"requestId\": \"\", \"email\": \"a@example.com\"}|developer_deep_search_request_id_invalid",
                "{\"structuredIntent\": {\"version\": \"v2\"}}|structured_intent_version_unsupported",
                "{\"runShape\": \"partial_only\"}|developer_deep_search_input_required"
            })
    void orbitInputTheDocsClearlyRejectIsRefused(String body, String code) throws Exception {
        assertThat(DocumentedRules.INSTANCE.violations(Api.ORBIT, Json.parse(body)))
                .first()
                .satisfies(error -> assertThat(error.code()).isEqualTo(code));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"profile_name\": \" \", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}",
                "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"\"]}",
                "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"], \"output_language\": \"\"}",
                "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"], \"company_size_min\": 50}"
            })
    void openProspectInputTheDocsDoNotClearlyRejectPasses(String body) throws Exception {
        assertThat(DocumentedRules.INSTANCE.violations(Api.OPENPROSPECT, Json.parse(body)))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}|profile_name",
                "{\"profile_name\": null, \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"]}|profile_name",
                "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": []}|target_countries",
                "{\"profile_name\": \"p\", \"ideal_customer_profile\": \"x\", \"target_countries\": [\"DE\"], \"company_size_max\": 0}|company_size_max"
            })
    void openProspectInputTheDocsClearlyRejectIsRefused(String body, String field) throws Exception {
        assertThat(DocumentedRules.INSTANCE.violations(Api.OPENPROSPECT, Json.parse(body)))
                .first()
                .satisfies(error -> assertThat(error.message()).startsWith(field + ":"));
    }
}
