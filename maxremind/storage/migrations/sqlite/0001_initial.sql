-- maxremind schema v1 (SQLite). Times are INTEGER milliseconds since the epoch, UTC;
-- *_local columns are ISO wall times without zone.

CREATE TABLE kv (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    language    TEXT NOT NULL CHECK (language IN ('ru', 'en')),
    quiet_hours TEXT,
    created_by  INTEGER,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    user_id            INTEGER PRIMARY KEY,
    name               TEXT NOT NULL,
    username           TEXT,
    username_key       TEXT,
    language           TEXT CHECK (language IN ('ru', 'en')),
    timezone           TEXT,
    quiet_hours        TEXT,
    reachable          INTEGER NOT NULL DEFAULT 1,
    unreachable_reason TEXT,
    current_team_id    INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX users_username ON users (username_key);

CREATE TABLE members (
    team_id   INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'organizer', 'member')),
    joined_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,  -- casefolded in Python: SQLite's NOCASE folds only ASCII
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX groups_team_name ON groups (team_id, name_key);

-- Deleting a group removes only the links; deleting a membership removes the person's links.
CREATE TABLE group_members (
    group_id INTEGER NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
    team_id  INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (team_id, user_id) REFERENCES members (team_id, user_id) ON DELETE CASCADE
);
CREATE INDEX group_members_member ON group_members (team_id, user_id);

CREATE TABLE tags (
    id         INTEGER PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tags_team_name ON tags (team_id, name_key);

CREATE TABLE tag_members (
    tag_id  INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    team_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (tag_id, user_id),
    FOREIGN KEY (team_id, user_id) REFERENCES members (team_id, user_id) ON DELETE CASCADE
);
CREATE INDEX tag_members_member ON tag_members (team_id, user_id);

CREATE TABLE chats (
    chat_id    INTEGER PRIMARY KEY,
    title      TEXT NOT NULL,
    chat_type  TEXT NOT NULL,
    team_id    INTEGER REFERENCES teams (id) ON DELETE SET NULL,
    group_id   INTEGER REFERENCES groups (id) ON DELETE SET NULL,
    added_by   INTEGER,
    active     INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX chats_team ON chats (team_id);

CREATE TABLE events (
    id               INTEGER PRIMARY KEY,
    team_id          INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    organizer_id     INTEGER NOT NULL REFERENCES users (user_id),
    kind             TEXT NOT NULL CHECK (kind IN ('event', 'reminder', 'announcement')),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    place            TEXT NOT NULL DEFAULT '',
    start_local      TEXT NOT NULL,
    timezone         TEXT NOT NULL,
    duration_s       INTEGER,
    rrule            TEXT,
    exdates          TEXT NOT NULL DEFAULT '[]',
    confirm_required INTEGER NOT NULL DEFAULT 0,
    urgent           INTEGER NOT NULL DEFAULT 0,
    quorum           INTEGER,
    status           TEXT NOT NULL DEFAULT 'active'
                     CHECK (status IN ('active', 'cancelled', 'flagged')),
    status_reason    TEXT,
    planned_until    INTEGER,  -- occurrences are materialized up to here (NULL: re-plan)
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX events_team ON events (team_id);
CREATE INDEX events_organizer ON events (organizer_id);

-- An audience entry names a group/tag/member/chat by id without a foreign key on purpose:
-- when the group goes away the event is flagged for its organizer instead of silently
-- losing part of its audience.
CREATE TABLE event_audience (
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL CHECK (kind IN ('team', 'group', 'tag', 'member', 'chat')),
    ref_id   INTEGER,
    position INTEGER NOT NULL,
    PRIMARY KEY (event_id, position)
);
CREATE INDEX event_audience_ref ON event_audience (kind, ref_id);

CREATE TABLE reminders (
    id       INTEGER PRIMARY KEY,
    event_id INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    offset_s INTEGER,
    at       INTEGER,
    target   TEXT NOT NULL DEFAULT 'all'
             CHECK (target IN ('all', 'unanswered', 'organizer_summary')),
    CHECK ((offset_s IS NULL) <> (at IS NULL))
);
CREATE INDEX reminders_event ON reminders (event_id);

CREATE TABLE occurrences (
    id          INTEGER PRIMARY KEY,
    event_id    INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    starts_at   INTEGER NOT NULL,
    local_start TEXT NOT NULL,
    adjustment  TEXT NOT NULL DEFAULT 'none',
    status      TEXT NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'cancelled')),
    UNIQUE (event_id, starts_at)
);

-- A job is one reminder step of one occurrence: due at due_at, expanded into
-- per-recipient deliveries at expand_at (earlier than due_at for large audiences,
-- so the last recipient is told within a minute of due_at).
CREATE TABLE jobs (
    id                 INTEGER PRIMARY KEY,
    key                TEXT NOT NULL UNIQUE,
    occurrence_id      INTEGER NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    -- Editing an event rewrites its reminders; the history of what was sent stays.
    reminder_id        INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
    target             TEXT NOT NULL
                       CHECK (target IN ('all', 'unanswered', 'organizer_summary')),
    due_at             INTEGER NOT NULL,
    expand_at          INTEGER NOT NULL,
    status             TEXT NOT NULL DEFAULT 'planned'
                       CHECK (status IN ('planned', 'expanded', 'skipped')),
    skip_reason        TEXT,
    planned_recipients TEXT NOT NULL DEFAULT '[]',
    expected_finish    INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE INDEX jobs_due ON jobs (status, expand_at);
CREATE INDEX jobs_occurrence ON jobs (occurrence_id);

CREATE TABLE deliveries (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    job_id         INTEGER REFERENCES jobs (id) ON DELETE CASCADE,
    kind           TEXT NOT NULL DEFAULT 'reminder',
    payload        TEXT NOT NULL DEFAULT '{}',
    occurrence_id  INTEGER REFERENCES occurrences (id) ON DELETE CASCADE,
    reminder_id    INTEGER REFERENCES reminders (id) ON DELETE SET NULL,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('user', 'chat')),
    recipient_id   INTEGER NOT NULL,
    due_at         INTEGER NOT NULL,
    send_at        INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status IN
                   ('planned', 'held', 'claimed', 'sent', 'failed', 'unreachable', 'skipped')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    max_message_id TEXT,
    last_error     TEXT,
    skip_reason    TEXT,
    note           TEXT,
    lease_owner    TEXT,
    lease_until    INTEGER,
    sent_at        INTEGER,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, send_at);
CREATE INDEX deliveries_lease ON deliveries (status, lease_until);
CREATE INDEX deliveries_occurrence ON deliveries (occurrence_id);
CREATE INDEX deliveries_job ON deliveries (job_id);
CREATE INDEX deliveries_message ON deliveries (max_message_id);

CREATE TABLE confirmations (
    occurrence_id INTEGER NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
    user_id       INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
    answer        TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'maybe')),
    comment       TEXT NOT NULL DEFAULT '',
    answered_at   INTEGER NOT NULL,
    PRIMARY KEY (occurrence_id, user_id)
);

CREATE TABLE invites (
    code       TEXT PRIMARY KEY,
    team_id    INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    group_id   INTEGER REFERENCES groups (id) ON DELETE CASCADE,
    created_by INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    max_uses   INTEGER,
    uses       INTEGER NOT NULL DEFAULT 0,
    revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX invites_team ON invites (team_id);

CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    team_id  INTEGER REFERENCES teams (id) ON DELETE CASCADE,
    actor_id INTEGER,
    action   TEXT NOT NULL,
    subject  TEXT NOT NULL,
    details  TEXT NOT NULL DEFAULT '{}',
    at       INTEGER NOT NULL
);
CREATE INDEX audit_team ON audit_log (team_id, id);
