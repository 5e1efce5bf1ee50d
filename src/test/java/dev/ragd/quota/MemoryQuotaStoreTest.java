package dev.ragd.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemoryQuotaStoreTest extends QuotaStoreContract {

    private final AtomicLong clock = new AtomicLong(1_000_000);

    @Override
    QuotaStore newStore() {
        return new MemoryQuotaStore(10_000, clock::get);
    }

    @Override
    void advance(long ms) {
        clock.addAndGet(ms);
    }

    @Test
    void keysPastTheCapPushOutTheLeastRecentlyUsedIdleKeys() throws Exception {
        MemoryQuotaStore small = new MemoryQuotaStore(100, clock::get);
        QuotaLimits holdsPermits = new QuotaLimits(0, 0, 1, LEASE);
        QuotaLimits questionsOnly = new QuotaLimits(10, 0, 0, 0);
        QuotaDecision busy = await(small.acquire("busy", holdsPermits));

        for (int i = 0; i < 1_000; i++) { // a client inventing a key per question
            assertThat(await(small.acquire("flood-" + i, questionsOnly)).isGranted()).isTrue();
        }

        assertThat(small.size()).isEqualTo(100);
        assertThat(await(small.acquire("busy", holdsPermits)).limit())
                .as("the key with an answer in progress is kept")
                .isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
        await(small.release("busy", busy.permitId(), 0, holdsPermits));
    }

    @Test
    void keysWhoseBucketsRefilledAndHoldNoPermitAreForgotten() throws Exception {
        MemoryQuotaStore memory = new MemoryQuotaStore(10_000, clock::get);
        QuotaLimits limits = new QuotaLimits(10, 600, 2, 600_000);
        QuotaDecision held = await(memory.acquire("answering", limits));
        for (int i = 0; i < 500; i++) {
            QuotaDecision d = await(memory.acquire("client-" + i, limits));
            await(memory.release("client-" + i, d.permitId(), 600, limits)); // the minute's tokens
        }
        assertThat(memory.size()).isEqualTo(501);

        advance(59_000); // a sweep is due, but 600 tokens take a minute to refill
        await(memory.acquire("late", limits));
        assertThat(memory.size()).as("buckets not full yet").isEqualTo(502);

        advance(11_000); // full again, and the next sweep is due
        await(memory.acquire("later", limits));
        assertThat(memory.size()).as("only the keys holding a permit stay, and the new one").isEqualTo(3);
        assertThat(await(memory.acquire("answering", limits)).isGranted()).isTrue();
        assertThat(await(memory.acquire("answering", limits)).limit()).isEqualTo(QuotaDecision.CONCURRENT_ANSWERS);
        await(memory.release("answering", held.permitId(), 0, limits));
    }
}
