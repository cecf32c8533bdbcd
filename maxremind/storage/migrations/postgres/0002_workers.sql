-- The worker registry (SQLite's migration 0009): every process working on this database,
-- by the owner string it claims deliveries under (deliveries.lease_owner), with its last
-- heartbeat.  A process whose heartbeat stopped is deleted here by another, which puts
-- its claimed deliveries back in the same transaction.  Runtime state only: it is not
-- copied between databases (copy-data) and means nothing in a backup.  Times in ms since
-- the epoch (UTC); roles comma-separated ("web,bot,engine").

CREATE TABLE workers (
    owner        TEXT PRIMARY KEY,
    roles        TEXT NOT NULL DEFAULT '',
    host         TEXT NOT NULL,
    pid          BIGINT NOT NULL,
    started_at   BIGINT NOT NULL,
    heartbeat_at BIGINT NOT NULL
);
CREATE INDEX workers_heartbeat ON workers (heartbeat_at);
