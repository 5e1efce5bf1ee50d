package dev.ragd.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryTicketsTest extends TicketStoreContract {

    private final MemoryTickets store = new MemoryTickets();

    @Override
    TicketStore store() {
        return store;
    }

    @Test
    void pastItsCapacityNewTicketsAreRefusedUntilOldOnesExpire() throws Exception {
        long[] now = {0};
        MemoryTickets small = new MemoryTickets(2, () -> now[0]);
        Ticket t = new Ticket(new Identity("a", List.of(), Identity.API_KEY), null);
        small.put("1", t, 1_000);
        small.put("2", t, 1_000);
        assertThat(small.put("3", t, 1_000).failed()).isTrue();
        now[0] = 2_000;
        assertThat(small.put("3", t, 1_000).succeeded()).isTrue();
        assertThat(small.take("3").await(1, TimeUnit.SECONDS)).isEqualTo(t);
    }
}
