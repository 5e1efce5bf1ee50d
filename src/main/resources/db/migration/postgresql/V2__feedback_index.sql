-- ragd logs --feedback up|down: rated records newest first. Partial, so unrated records (most of
-- them) cost no index entry; a query on "rating = ?" implies "rating IS NOT NULL", so it is used.
CREATE INDEX chat_log_feedback_ts ON chat_log ((record->'feedback'->>'rating'), ts, id)
    WHERE (record->'feedback'->>'rating') IS NOT NULL;
