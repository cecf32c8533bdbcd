-- Button presses: one row per drawn button (payload, with its nonce) a person pressed,
-- in the message it was pressed in.  The primary key makes a double tap, or MAX
-- sending one press twice, do its work once: the router claims the key in the same
-- unit of work as the press's effects.  Rows older than the retention are purged.
-- Times in ms since the epoch (UTC).

CREATE TABLE button_presses (
    press_key  TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    pressed_at INTEGER NOT NULL
);
CREATE INDEX button_presses_at ON button_presses (pressed_at);

-- Who cancelled an event, and when, is read from the audit log by subject when someone
-- presses a button of the cancelled event.
CREATE INDEX audit_subject ON audit_log (subject, id);
