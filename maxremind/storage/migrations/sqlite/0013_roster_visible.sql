-- Whether the organizer lets the people invited to an event see who answered what
-- (/who and "👥 Кто идёт" in the bot).  Off by default: answers are personal, and events
-- made before the option keep showing them to their organizers only.
ALTER TABLE events ADD COLUMN roster_visible INTEGER NOT NULL DEFAULT 0;
