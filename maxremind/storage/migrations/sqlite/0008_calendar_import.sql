-- Calendars a team imports: uploaded .ics files and subscribed ICS feeds, and which
-- maxremind event stands for which event of the source.
--
-- One 'upload' source per team and group collects every file uploaded to it (a file
-- uploaded again updates what it imported before); a 'url' source is re-fetched every
-- refresh_minutes, conditionally (etag / last_modified are the feed's own validators, as
-- it sent them).  last_error / last_error_detail say why the last fetch or import failed
-- (NULL after a good one); last_report is the JSON summary of the last import.

CREATE TABLE calendar_sources (
    id                INTEGER PRIMARY KEY,
    team_id           INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    group_id          INTEGER NULL REFERENCES groups (id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('upload', 'url')),
    name              TEXT NOT NULL DEFAULT '',
    url               TEXT NULL,
    etag              TEXT NULL,
    last_modified     TEXT NULL,
    last_fetched_at   INTEGER NULL,
    last_ok_at        INTEGER NULL,
    last_error        TEXT NULL,
    last_error_detail TEXT NULL,
    last_report       TEXT NOT NULL DEFAULT '{}',
    refresh_minutes   INTEGER NOT NULL DEFAULT 60,
    use_alarms        INTEGER NOT NULL DEFAULT 0,
    created_by        INTEGER NOT NULL REFERENCES users (user_id),
    created_at        INTEGER NOT NULL,
    active            INTEGER NOT NULL DEFAULT 1,
    CHECK ((kind = 'url') = (url IS NOT NULL))
);
CREATE INDEX calendar_sources_team ON calendar_sources (team_id);
-- Subscriptions due for a refresh are found by when they were last fetched.
CREATE INDEX calendar_sources_due ON calendar_sources (kind, active, last_fetched_at);

-- recurrence_key is '' for a series or a single event, else the instance it stands for
-- (an override's RECURRENCE-ID, an RDATE, a date of a rule expanded into one-off events).
-- state: 'active' while the source has it, 'cancelled' when the source cancelled it,
-- 'removed' when it vanished from the source (the event was cancelled if still ahead).
-- fingerprint is a digest of the source's data last applied: equal means nothing to do.
CREATE TABLE calendar_imported (
    source_id      INTEGER NOT NULL REFERENCES calendar_sources (id) ON DELETE CASCADE,
    source_uid     TEXT NOT NULL,
    recurrence_key TEXT NOT NULL DEFAULT '',
    event_id       INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    sequence       INTEGER NOT NULL DEFAULT 0,
    last_modified  INTEGER NULL,
    fingerprint    TEXT NOT NULL,
    state          TEXT NOT NULL DEFAULT 'active'
                   CHECK (state IN ('active', 'cancelled', 'removed')),
    updated_at     INTEGER NOT NULL,
    PRIMARY KEY (source_id, source_uid, recurrence_key)
);
CREATE INDEX calendar_imported_event ON calendar_imported (event_id);

-- Files sent to the bot wait here to be imported.  The handler of the update only records
-- the request (the download may take up to 30 s and must not hold the writer); once that
-- is committed the import loop claims the row (claimed_until: a lease, NULL while free),
-- downloads the file outside any transaction, imports it, and in the unit of work that
-- records the import it stores the message for the person (the outbox) and deletes the
-- row.  So a request survives a restart, and is done once.  The answer goes to chat_id,
-- or to the person's dialog when NULL; page_url is the import page's address, if any.
CREATE TABLE calendar_uploads (
    id            INTEGER PRIMARY KEY,
    team_id       INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    group_id      INTEGER NULL REFERENCES groups (id) ON DELETE CASCADE,
    actor_id      INTEGER NOT NULL REFERENCES users (user_id),
    url           TEXT NOT NULL,
    filename      TEXT NOT NULL DEFAULT '',
    chat_id       INTEGER NULL,
    language      TEXT NOT NULL,
    page_url      TEXT NULL,
    use_alarms    INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    claimed_until INTEGER NULL
);
CREATE INDEX calendar_uploads_free ON calendar_uploads (claimed_until, id);
