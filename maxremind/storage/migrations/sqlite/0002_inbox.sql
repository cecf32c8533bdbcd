-- Durable intake: every update from MAX (polling or webhook) is stored here first,
-- de-duplicated by a hash of its content, then handled by the inbox worker.
CREATE TABLE inbox (
    id          INTEGER PRIMARY KEY,
    dedupe_key  TEXT NOT NULL UNIQUE,
    update_type TEXT NOT NULL,
    payload     TEXT NOT NULL,
    received_at INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    state       TEXT NOT NULL DEFAULT 'new' CHECK (state IN ('new', 'done', 'failed')),
    handled_at  INTEGER
);
CREATE INDEX inbox_pending ON inbox (state, id);
CREATE INDEX inbox_handled ON inbox (handled_at);
