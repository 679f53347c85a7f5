package io.profilebridge;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A shared store that cannot be opened is named by its key, and a refused login by the keys that hold it. */
class SharedStoreOpeningTest {

    /** Matrix audit: "password authentication failed for user" named neither bridge.store.user nor its password. */
    @Test
    void aRefusedLoginNamesTheUserAndPasswordKeys() throws Exception {
        try (TestPostgres postgres = TestPostgres.start()) {
            // the embedded server trusts every local login, so an unknown role is what it refuses (SQL state 28000)
            assertThatThrownBy(() -> BridgeConfiguration.openShared(postgres.url(), "no_such_role", "secret", 2))
                    .isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("the job store of bridge.store.url (")
                    .hasMessageContaining("no_such_role")
                    .hasMessageEndingWith("; check bridge.store.user and bridge.store.password (BRIDGE_STORE_USER,"
                            + " BRIDGE_STORE_PASSWORD)")
                    .hasMessageNotContaining("secret");
        }
    }

    @Test
    void anUnreachableStoreIsNotTakenForARefusedLogin() {
        assertThatThrownBy(() -> BridgeConfiguration.openShared(
                        "jdbc:postgresql://127.0.0.1:1/none?connectTimeout=2", "bridge", "secret", 2))
                .isInstanceOf(StartupFailure.class)
                .hasMessageStartingWith("the job store of bridge.store.url (jdbc:postgresql://127.0.0.1:1/none")
                .hasMessageNotContaining("check bridge.store.user");
    }
}
