package io.profilebridge.orbit;

import static org.assertj.core.api.Assertions.assertThat;

import io.profilebridge.Json;
import org.junit.jupiter.api.Test;

/** Which profiles a finished Orbit run's status says to read; the status payload is undocumented, so read leniently. */
class ProfileIdsTest {

    @Test
    void aSingleProfileRunReadsItsResultIdWhateverElseItsResultHolds() throws Exception {
        assertThat(OrbitRoutes.profileIds(Json.parse("{\"status\": \"completed\", \"result\": {\"id\": \"p-1\"}}")))
                .containsExactly("p-1");
        // documented-answers audit: a null (or empty) candidate list beside the id had hidden the saved profile
        assertThat(OrbitRoutes.profileIds(Json.parse(
                        "{\"status\": \"failed\", \"result\": {\"id\": \"p-2\", \"candidate_profile_ids\": null}}")))
                .containsExactly("p-2");
        assertThat(OrbitRoutes.profileIds(Json.parse(
                        "{\"status\": \"completed\", \"result\": {\"id\": \"p-3\", \"candidate_profile_ids\": []}}")))
                .containsExactly("p-3");
    }

    @Test
    void candidateDiscoveryReadsEveryCandidateAndSkipsNulls() throws Exception {
        assertThat(OrbitRoutes.profileIds(Json.parse(
                        "{\"result\": {\"id\": \"run\", \"candidate_profile_ids\": [\"c-1\", null, \"c-2\"]}}")))
                .containsExactly("c-1", "c-2");
        assertThat(OrbitRoutes.profileIds(Json.parse("{\"status\": \"completed\", \"result\": null}")))
                .isEmpty();
    }
}
