-- Dialog state of the bot (a half-finished /event, say), kept across restarts.
CREATE TABLE dialog_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX dialog_state_expiry ON dialog_state (expires_at);
