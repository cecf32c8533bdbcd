-- Whether the organizer lets the people invited to an event see who answered what
-- (SQLite's migration 0013).  Off by default: answers are personal, and events made
-- before the option keep showing them to their organizers only.
ALTER TABLE events ADD COLUMN roster_visible BIGINT NOT NULL DEFAULT 0;
