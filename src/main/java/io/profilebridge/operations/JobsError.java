package io.profilebridge.operations;

import io.swagger.v3.oas.annotations.media.Schema;

/** What a {@code /jobs} request got wrong: a parameter out of its range, an unknown job. */
@Schema(name = "JobsError", description = "What was wrong, naming the parameter and the rule")
record JobsError(String error) {}
