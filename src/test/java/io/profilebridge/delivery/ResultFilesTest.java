package io.profilebridge.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ResultFilesTest {

    @Test
    void aSecondResultOfTheSameNameKeepsItsExtensionWhateverItsCase() {
        assertThat(ResultFiles.withSuffix("orbit/a.json", "id1")).isEqualTo("orbit/a.id1.json");
        // hostile-input audit: the inbox takes UPPER.JSON too, and such a result became UPPER.JSON.<id>, no extension
        assertThat(ResultFiles.withSuffix("orbit/UPPER.JSON", "id1")).isEqualTo("orbit/UPPER.id1.JSON");
        assertThat(ResultFiles.withSuffix("orbit/plain", "id1")).isEqualTo("orbit/plain.id1");
    }
}
