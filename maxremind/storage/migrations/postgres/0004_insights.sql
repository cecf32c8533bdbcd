-- Insights (SQLite's migration 0011).  Statistics are computed from the delivery ledger
-- and the answers; these tables hold only what the ledger cannot: who came (the
-- organizer's checklist after an event), a team's statistics settings and who asked for
-- the weekly digest.  Times in ms since the epoch (UTC); flags 0/1.

CREATE TABLE attendance (
    occurrence_id BIGINT NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    came          BIGINT NOT NULL CHECK (came IN (0, 1)),
    marked_by     BIGINT NOT NULL,
    marked_at     BIGINT NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
);

CREATE TABLE insight_settings (
    team_id        BIGINT PRIMARY KEY REFERENCES teams (id) ON DELETE CASCADE,
    member_stats   BIGINT NOT NULL DEFAULT 1 CHECK (member_stats IN (0, 1)),
    digest_weekday BIGINT NOT NULL DEFAULT 0 CHECK (digest_weekday BETWEEN 0 AND 6),
    digest_minute  BIGINT NOT NULL DEFAULT 540 CHECK (digest_minute BETWEEN 0 AND 1439),
    updated_at     BIGINT NOT NULL
);

CREATE TABLE digest_subscribers (
    team_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id),
    FOREIGN KEY (team_id, user_id) REFERENCES members (team_id, user_id) ON DELETE CASCADE
);

-- Occurrences by start: the statistics window and the checklists due read them by time.
CREATE INDEX occurrences_starts ON occurrences (starts_at);
