-- Broadcasts: an admin's announcement, its audience and who acknowledged it.
-- A broadcast starts as a 'draft' the admin builds step by step (it survives restarts), becomes
-- 'sending' once confirmed (one outbox row per recipient, batch_id = broadcast id, written in
-- the same transaction) and 'done' when no row of its batch is left to send.

CREATE TABLE broadcasts (
    id                INTEGER PRIMARY KEY,
    created_by        INTEGER NOT NULL REFERENCES people(id),
    status            TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'sending', 'done', 'cancelled')),
    text_html         TEXT NOT NULL DEFAULT '',
    text_length       INTEGER NOT NULL DEFAULT 0 CHECK (text_length BETWEEN 0 AND 4096),
    media_kind        TEXT CHECK (media_kind IN ('photo', 'document')),
    media_file_id     TEXT,
    audience          TEXT CHECK (audience IN
                      ('all', 'deputies', 'members', 'admins', 'counties', 'organisation')),
    county_ids        TEXT NOT NULL DEFAULT '[]',
    organisation_id   INTEGER REFERENCES organisations(id),
    ack_required      INTEGER NOT NULL DEFAULT 0 CHECK (ack_required IN (0, 1)),
    recipients        INTEGER NOT NULL DEFAULT 0,
    status_chat_id    INTEGER,
    status_message_id INTEGER,
    created_at        TEXT NOT NULL,
    queued_at         TEXT,
    finished_at       TEXT,
    CHECK ((media_kind IS NULL) = (media_file_id IS NULL)),
    CHECK (media_kind IS NULL OR text_length <= 1024),
    CHECK (audience != 'organisation' OR organisation_id IS NOT NULL OR status = 'draft'),
    CHECK (status = 'draft' OR (audience IS NOT NULL AND text_length > 0 AND queued_at IS NOT NULL))
);
CREATE INDEX broadcasts_status ON broadcasts(status, created_at);

-- One row per person a broadcast was addressed to, with the outbox row that carries it.
-- county_id is the person's county when it was sent (a member's is the organisation's), so
-- "who has not acknowledged, by county" keeps meaning what it meant then.
CREATE TABLE broadcast_recipients (
    broadcast_id  INTEGER NOT NULL REFERENCES broadcasts(id),
    person_id     INTEGER NOT NULL REFERENCES people(id),
    chat_id       INTEGER NOT NULL,
    county_id     INTEGER REFERENCES counties(id),
    outbox_id     INTEGER NOT NULL REFERENCES outbox(id),
    acked_at      TEXT,
    reminded_at   TEXT,
    PRIMARY KEY (broadcast_id, person_id)
);
CREATE INDEX broadcast_recipients_person ON broadcast_recipients(person_id);
CREATE INDEX broadcast_recipients_pending_ack ON broadcast_recipients(broadcast_id, acked_at);
