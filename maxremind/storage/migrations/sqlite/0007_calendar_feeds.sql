-- Calendar subscription feeds (/cal/<token>.ics): a personal feed (the events that target
-- a person), a group's and a team's.  The token is the credential, so only its hash
-- (SHA-256, hex) is stored; a revoked feed answers 404.

CREATE TABLE calendar_feeds (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('personal', 'group', 'team')),
    user_id    INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    team_id    INTEGER NULL REFERENCES teams (id) ON DELETE CASCADE,
    group_id   INTEGER NULL REFERENCES groups (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NULL,
    CHECK ((kind = 'personal') = (team_id IS NULL)),
    CHECK ((kind = 'group') = (group_id IS NOT NULL))
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

-- RFC 5545 SEQUENCE of an event: bumped whenever its time or place changes (start, zone,
-- rule, skipped dates, duration, place) or it is cancelled, by whatever path the change
-- takes (an edit, a cancelled date, an import), so calendar apps take the new version.
ALTER TABLE events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER events_sequence AFTER UPDATE OF
    start_local, timezone, rrule, exdates, duration_s, place, status ON events
WHEN OLD.start_local IS NOT NEW.start_local
  OR OLD.timezone IS NOT NEW.timezone
  OR OLD.rrule IS NOT NEW.rrule
  OR OLD.exdates IS NOT NEW.exdates
  OR OLD.duration_s IS NOT NEW.duration_s
  OR OLD.place IS NOT NEW.place
  OR (OLD.status IS NOT NEW.status AND 'cancelled' IN (OLD.status, NEW.status))
BEGIN
    UPDATE events SET sequence = OLD.sequence + 1 WHERE id = NEW.id;
END;
