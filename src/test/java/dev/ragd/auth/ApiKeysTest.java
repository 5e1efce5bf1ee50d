package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    private static final String ALICE = "alice=sk-alice-0123456789abcdef";
    private static final String BARE = "sk-bare-0123456789abcdef";

    @Test
    void aConfiguredKeyProvesItsNameAndABareKeyAHashName() throws Exception {
        ApiKeys keys = new ApiKeys(List.of(ALICE, BARE));
        assertThat(keys.authenticate("sk-alice-0123456789abcdef").await(1, TimeUnit.SECONDS))
                .isEqualTo(new Identity("alice", List.of(), Identity.API_KEY));
        Identity bare = keys.authenticate(BARE).await(1, TimeUnit.SECONDS);
        assertThat(bare.user()).startsWith("key-").hasSize(16).doesNotContain("sk-bare");
    }

    @Test
    void anUnknownKeyIsRefusedWithoutRepeatingIt() throws Exception {
        ApiKeys keys = new ApiKeys(List.of(ALICE));
        Throwable t = catchThrowable(() -> keys.authenticate("sk-alice-0123456789abcdeX").await(1, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(AuthException.class).hasMessage("the API key is not valid");
    }

    @Test
    void replacingTheListRetiresOldKeys() throws Exception {
        ApiKeys keys = new ApiKeys(List.of(ALICE));
        keys.replace(List.of("alice=sk-alice-rotated-0123456789"));
        assertThat(catchThrowable(() -> keys.authenticate("sk-alice-0123456789abcdef").await(1, TimeUnit.SECONDS)))
                .isInstanceOf(AuthException.class);
        assertThat(keys.authenticate("sk-alice-rotated-0123456789").await(1, TimeUnit.SECONDS).user()).isEqualTo("alice");
    }
}
