package dev.ragd.chatlog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to a {@link FileChatLog}'s SQLite database, with group commit: it takes
 * every record waiting at that moment (up to {@value #MAX_BATCH}) and writes them in one
 * transaction, so one fsync'd commit is shared by all the writers waiting for it. A writer's call
 * returns only after the transaction holding its record has committed (and, with
 * {@code synchronous=FULL}, the WAL has been fsync'd); when a commit fails, every writer in it gets
 * the failure and none of its records is in the store.
 *
 * <p>Other writes (a prune's chunks, vacuum steps) are {@link Op}s run on the same thread in their
 * own transaction, in the order they were submitted, so they never contend with record batches for
 * SQLite's write lock inside this process. Other processes on the same file take turns through
 * SQLite's own lock ({@code busy_timeout}).
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(GroupCommit.class);
    static final int MAX_BATCH = 1000;
    private static final String UPSERT = "INSERT INTO chat_records (id, ts_s, ts_n, user_email, status, record)"
            + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET ts_s = excluded.ts_s, ts_n = excluded.ts_n,"
            + " user_email = excluded.user_email, status = excluded.status, record = excluded.record";

    /** A write that runs in its own transaction on the writer thread and returns a result. */
    interface Op {
        Object run(Connection c) throws SQLException;
    }

    /** One queued piece of work: a record (with its JSON) or an {@link Op}. */
    private record Job(ChatRecord record, String json, Op op, CompletableFuture<Object> done) {}

    private static final Job STOP = new Job(null, null, null, new CompletableFuture<>());

    private final String name;
    private final Connection connection;
    private final LinkedBlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Object submitLock = new Object();
    private final Thread thread;
    private PreparedStatement upsert;
    private boolean stopping;

    /** Takes ownership of {@code connection} (autocommit on; transactions are explicit). */
    GroupCommit(String name, Connection connection) {
        this.name = name;
        this.connection = connection;
        this.thread = Thread.ofPlatform().daemon().name("ragd-chatlog-writer").start(this::loop);
    }

    /** Writes {@code records} (group-committed with whatever else is waiting); returns once durable. */
    void write(List<ChatRecord> records, List<String> jsons) {
        List<CompletableFuture<Object>> waits = new ArrayList<>(records.size());
        synchronized (submitLock) {
            checkOpen();
            for (int i = 0; i < records.size(); i++) {
                Job job = new Job(records.get(i), jsons.get(i), null, new CompletableFuture<>());
                queue.add(job);
                waits.add(job.done());
            }
        }
        for (CompletableFuture<Object> w : waits) {
            await(w);
        }
    }

    /** Runs {@code op} in its own transaction on the writer thread and returns its result. */
    Object run(Op op) {
        Job job = new Job(null, null, op, new CompletableFuture<>());
        synchronized (submitLock) {
            checkOpen();
            queue.add(job);
        }
        return await(job.done());
    }

    private void checkOpen() {
        if (stopping) {
            throw new IllegalStateException("chat log " + name + " is closed");
        }
    }

    private static Object await(CompletableFuture<Object> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private void loop() {
        List<Job> jobs = new ArrayList<>();
        boolean stop = false;
        while (!stop) {
            jobs.clear();
            try {
                jobs.add(queue.take());
            } catch (InterruptedException e) {
                continue; // only close() ends this thread, by STOP, so no write is left waiting
            }
            queue.drainTo(jobs, MAX_BATCH - 1);
            try {
                stop = process(jobs);
            } catch (Throwable e) { // e.g. OutOfMemoryError: fail these writes rather than leave them waiting forever
                IllegalStateException failure = new IllegalStateException("chat log " + name + ": writer failed: " + e, e);
                jobs.forEach(j -> j.done().completeExceptionally(failure));
                stop = jobs.contains(STOP);
            }
        }
        try {
            connection.close();
        } catch (SQLException e) {
            log.atWarn().addKeyValue("store", name).setCause(e).log("closing the chat log's write connection failed");
        }
    }

    /** Runs {@code jobs} in order, record runs as one transaction each; true when STOP was among them. */
    private boolean process(List<Job> jobs) {
        boolean stop = false;
        int i = 0;
        while (i < jobs.size()) {
            Job job = jobs.get(i);
            if (job == STOP) {
                stop = true;
                i++;
            } else if (job.op() != null) {
                runOp(job);
                i++;
            } else {
                int end = i;
                while (end < jobs.size() && jobs.get(end).record() != null) {
                    end++;
                }
                commit(jobs.subList(i, end));
                i = end;
            }
        }
        return stop;
    }

    private void commit(List<Job> batch) {
        try {
            inTransaction(c -> {
                if (upsert == null) {
                    upsert = c.prepareStatement(UPSERT);
                }
                for (Job j : batch) {
                    ChatRecord r = j.record();
                    upsert.setString(1, r.id());
                    upsert.setLong(2, r.timestamp().getEpochSecond());
                    upsert.setInt(3, r.timestamp().getNano());
                    upsert.setString(4, r.userEmail());
                    upsert.setString(5, r.status().name());
                    upsert.setString(6, j.json());
                    upsert.addBatch();
                }
                upsert.executeBatch();
                return null;
            });
            batch.forEach(j -> j.done().complete(null));
        } catch (SQLException | RuntimeException e) {
            clearBatch();
            IllegalStateException failure = new IllegalStateException("chat log " + name + ": cannot write "
                    + batch.size() + " record(s), first " + batch.getFirst().record().id() + ": " + e.getMessage(), e);
            batch.forEach(j -> j.done().completeExceptionally(failure));
        }
    }

    private void clearBatch() {
        try {
            if (upsert != null) {
                upsert.clearBatch();
            }
        } catch (SQLException ignored) {
            // the statement is re-bound from scratch for the next batch anyway
        }
    }

    private void runOp(Job job) {
        try {
            job.done().complete(inTransaction(job.op()));
        } catch (SQLException | RuntimeException e) {
            job.done().completeExceptionally(new IllegalStateException("chat log " + name + ": " + e.getMessage(), e));
        }
    }

    /** {@code BEGIN IMMEDIATE} takes the write lock up front, so a busy store waits ({@code busy_timeout}) rather than failing mid-way. */
    private Object inTransaction(Op op) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("BEGIN IMMEDIATE");
            try {
                Object result = op.run(connection);
                s.execute("COMMIT");
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    s.execute("ROLLBACK");
                } catch (SQLException alreadyEnded) {
                    // SQLite rolls some failures back itself; then there is no transaction left to end
                }
                throw e;
            }
        }
    }

    /** Lets every write submitted so far finish, then stops the thread and closes the connection. Idempotent. */
    @Override
    public void close() {
        synchronized (submitLock) {
            if (!stopping) {
                stopping = true;
                queue.add(STOP);
            }
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
