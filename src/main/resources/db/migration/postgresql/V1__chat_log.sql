-- ragd chat log (RAGD_CHATLOG=postgres). One row per chat record, keyed by the record id.
-- id uses the "C" collation so paging order (ts, id) is byte order, the same on every server.
-- record holds the full record JSON (agents_search_results as real JSON); the other columns are
-- copies of its fields for filtering and ordering. PostgreSQL 14+.
CREATE TABLE chat_log (
    id         text COLLATE "C" PRIMARY KEY,
    ts         timestamptz NOT NULL,
    user_email text,
    status     text NOT NULL,
    model      text,
    record     jsonb NOT NULL
);

-- newest-first listing and paging: ORDER BY ts DESC, id DESC with WHERE (ts, id) < (?, ?)
CREATE INDEX chat_log_ts_id ON chat_log (ts, id);

-- one user's records, newest first (ragd logs --user)
CREATE INDEX chat_log_user_ts ON chat_log (user_email, ts, id);
