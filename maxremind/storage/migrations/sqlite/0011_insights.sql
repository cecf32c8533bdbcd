-- Insights (issue 16).  Statistics are computed from the delivery ledger and the answers;
-- these tables hold only what the ledger cannot: who came (the organizer's checklist after
-- an event), a team's statistics settings and who asked for the weekly digest.
-- Times in ms since the epoch (UTC); flags 0/1.

-- Who came: one mark per person and date; no row means "not marked".
CREATE TABLE attendance (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    came          INTEGER NOT NULL CHECK (came IN (0, 1)),
    marked_by     INTEGER NOT NULL,
    marked_at     INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
);

-- A team's statistics settings; no row means the defaults (per-member statistics on,
-- digest on Monday at 09:00 in the team's zone).  digest_minute: minutes after midnight.
CREATE TABLE insight_settings (
    team_id        INTEGER PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    member_stats   INTEGER NOT NULL DEFAULT 1 CHECK (member_stats IN (0, 1)),
    digest_weekday INTEGER NOT NULL DEFAULT 0 CHECK (digest_weekday BETWEEN 0 AND 6),
    digest_minute  INTEGER NOT NULL DEFAULT 540 CHECK (digest_minute BETWEEN 0 AND 1439),
    updated_at     INTEGER NOT NULL
);

-- Organizers who asked for the weekly digest; leaving the team ends it.
CREATE TABLE digest_subscribers (
    team_id    INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (team_id, user_id) REFERENCES members (team_id, user_id) ON DELETE CASCADE
);

-- Occurrences by start: the statistics window and the checklists due read them by time.
CREATE INDEX occurrences_starts ON occurrences (starts_at);
