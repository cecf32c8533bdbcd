-- A reminder step whose time had already passed when its event was saved ("1 day
-- before" an event created for tomorrow morning) is not late because anything was down.
-- jobs.short_notice marks such a step when it is first planned (1); teams say what to
-- do with it: send it at once, saying the event was scheduled at short notice
-- (skip_short_notice 0, the default), or skip it (1).
ALTER TABLE jobs ADD COLUMN short_notice INTEGER NOT NULL DEFAULT 0;
ALTER TABLE teams ADD COLUMN skip_short_notice INTEGER NOT NULL DEFAULT 0;
