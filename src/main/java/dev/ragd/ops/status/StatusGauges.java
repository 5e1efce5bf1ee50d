package dev.ragd.ops.status;

import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The live figures the status page reads from the running parts on each poll (not from events):
 * given as suppliers so this package depends on none of the parts. Each must be cheap, thread-safe
 * and non-blocking; one that throws is shown as unknown.
 *
 * @param activeGenerations  requests admitted and not finished
 * @param maxGenerations     {@code RAGD_MAX_CONCURRENT_GENERATIONS}
 * @param chatLogQueued      chat-log records waiting for the store
 * @param chatLogCapacity    {@code RAGD_CHATLOG_QUEUE_CAPACITY}
 * @param openConnections    open TCP connections
 * @param openWebSockets     open WebSockets (both protocols)
 * @param refusedConnections connections refused over {@code RAGD_MAX_CONNECTIONS_PER_IP} since start
 */
public record StatusGauges(IntSupplier activeGenerations, IntSupplier maxGenerations, IntSupplier chatLogQueued,
        IntSupplier chatLogCapacity, IntSupplier openConnections, IntSupplier openWebSockets,
        LongSupplier refusedConnections) {

    /** Nothing known yet (before the server has started). */
    public static final StatusGauges NONE = new StatusGauges(null, null, null, null, null, null, null);
}
