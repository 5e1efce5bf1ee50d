-- A conversation's turns, oldest or newest first (history, GET /v1/conversations/{id}, delete).
-- Partial, so records of no conversation (all those written before ragd kept them) cost no entry.
CREATE INDEX chat_log_conversation_ts ON chat_log ((record->>'conversation_id'), ts, id)
    WHERE (record->>'conversation_id') IS NOT NULL;
-- A user's list of conversations: the first turn of each (its id is the conversation's).
CREATE INDEX chat_log_conversation_openers ON chat_log (user_email, ts, id)
    WHERE id = (record->>'conversation_id');
