-- The worker registry: every process working on this database, by the owner string it
-- claims deliveries under (deliveries.lease_owner), with its last heartbeat.  In scale
-- mode (Postgres) a process whose heartbeat stopped is deleted here by another, which
-- puts its claimed deliveries back in the same transaction.  Runtime state only: it is
-- not copied between databases (copy-data) and means nothing in a backup.  Times in ms
-- since the epoch (UTC); roles comma-separated ("web,bot,engine").

CREATE TABLE workers (
    owner        TEXT PRIMARY KEY,
    roles        TEXT NOT NULL DEFAULT '',
    host         TEXT NOT NULL,
    pid          INTEGER NOT NULL,
    started_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL
);
CREATE INDEX workers_heartbeat ON workers (heartbeat_at);
