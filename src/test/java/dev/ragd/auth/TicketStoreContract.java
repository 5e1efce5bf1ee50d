package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What every {@link TicketStore} does: a ticket's value once, to one taker, within its time to live. */
abstract class TicketStoreContract {

    abstract TicketStore store();

    static final Ticket ALICE = new Ticket(new Identity("alice", List.of("eng", "sales"), Identity.JWT),
            "https://chat.example");

    @Test
    void aTicketIsTakenOnceWithItsIdentityAndOrigin() throws Exception {
        String t = UUID.randomUUID().toString();
        store().put(t, ALICE, 30_000).await(5, TimeUnit.SECONDS);
        assertThat(store().take(t).await(5, TimeUnit.SECONDS)).isEqualTo(ALICE);
        assertThat(store().take(t).await(5, TimeUnit.SECONDS)).as("used").isNull();
    }

    @Test
    void anUnknownOrExpiredTicketIsNothing() throws Exception {
        assertThat(store().take("never-issued").await(5, TimeUnit.SECONDS)).isNull();
        String t = UUID.randomUUID().toString();
        store().put(t, ALICE, 1_000).await(5, TimeUnit.SECONDS);
        Thread.sleep(1_200);
        assertThat(store().take(t).await(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void racingTakersGetOneTicketOnce() throws Exception {
        String t = UUID.randomUUID().toString();
        store().put(t, ALICE, 30_000).await(5, TimeUnit.SECONDS);
        List<io.vertx.core.Future<Ticket>> takes = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            takes.add(store().take(t));
        }
        int won = 0;
        for (var f : takes) {
            won += f.await(5, TimeUnit.SECONDS) == null ? 0 : 1;
        }
        assertThat(won).isEqualTo(1);
    }

    @Test
    void aTicketWithoutOriginKeepsNone() throws Exception {
        String t = UUID.randomUUID().toString();
        Ticket cli = new Ticket(new Identity("ci", List.of(), Identity.API_KEY), null);
        store().put(t, cli, 30_000).await(5, TimeUnit.SECONDS);
        assertThat(store().take(t).await(5, TimeUnit.SECONDS)).isEqualTo(cli);
    }
}
