package io.profilebridge.operations;

import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/** One page of {@code GET /jobs}; also its response in the OpenAPI document. */
@Schema(name = "JobPage", description = "Jobs, newest first")
record JobPage(
        int page,
        int size,

        @Schema(description = "The api filter, null for all", nullable = true)
        String api,

        @Schema(description = "The state filter, null for all", nullable = true)
        String state,

        List<JobView> jobs) {}
