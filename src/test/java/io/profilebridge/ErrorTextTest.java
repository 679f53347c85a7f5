package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorTextTest {

    @Test
    void theRootCauseIsNamedWhereTheMessageDoesNotSayIt() {
        Exception full = new IllegalStateException(
                "Cannot store file: outbox/.x.json.part", new IOException("No space left on device"));
        assertThat(ErrorText.withRootCause(full))
                .isEqualTo("Cannot store file: outbox/.x.json.part (IOException: No space left on device)");
        Exception said = new IllegalStateException("broker down: refused", new IOException("refused"));
        assertThat(ErrorText.withRootCause(said)).isEqualTo("broker down: refused");
        assertThat(ErrorText.withRootCause(new IOException("alone"))).isEqualTo("alone");
    }
}
