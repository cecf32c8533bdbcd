-- Outbox: work decided while handling an update (replies, say), stored in the same
-- transaction as that handling and done after it commits, so a crash neither loses
-- it nor does it for a decision that was rolled back.  AUTOINCREMENT: ids are never
-- reused after a purge, so a consumer may key sends on them.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    inbox_id    INTEGER NULL,
    payload     TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    done_at     INTEGER NULL,
    last_error  TEXT NULL
);
CREATE INDEX outbox_pending ON outbox (id) WHERE done_at IS NULL;
CREATE INDEX outbox_done ON outbox (done_at) WHERE done_at IS NOT NULL;
