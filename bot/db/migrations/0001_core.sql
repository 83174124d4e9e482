-- Core: counties, organisations, people, invitations, audit log, outbox, conversation state.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS' written from the injected clock.

CREATE TABLE counties (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    created_at  TEXT NOT NULL
);

CREATE TABLE organisations (
    id                  INTEGER PRIMARY KEY,
    name                TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    kind                TEXT NOT NULL DEFAULT 'ngo' CHECK (kind IN ('ngo', 'office')),
    county_id           INTEGER NOT NULL REFERENCES counties(id),
    registration_number TEXT,
    contact             TEXT,
    created_at          TEXT NOT NULL
);

-- A person is known by Telegram id once they have come in; pre-registered people
-- (import-people) wait with a phone number and no tg_user_id yet.
CREATE TABLE people (
    id              INTEGER PRIMARY KEY,
    tg_user_id      INTEGER UNIQUE,
    name            TEXT NOT NULL,
    phone           TEXT UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'deputy', 'member')),
    county_id       INTEGER REFERENCES counties(id),
    organisation_id INTEGER REFERENCES organisations(id),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    reachable       INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CHECK (role != 'deputy' OR county_id IS NOT NULL),
    CHECK (role != 'member' OR organisation_id IS NOT NULL)
);
CREATE INDEX people_role ON people(role, active);
CREATE INDEX people_county ON people(county_id);
CREATE INDEX people_org ON people(organisation_id);

-- Only the SHA-256 of a token is kept: a copy of the database does not hand out invitations.
CREATE TABLE invites (
    id              INTEGER PRIMARY KEY,
    token_hash      TEXT NOT NULL UNIQUE,
    hint            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'deputy', 'member')),
    county_id       INTEGER REFERENCES counties(id),
    organisation_id INTEGER REFERENCES organisations(id),
    name            TEXT,
    created_by      INTEGER REFERENCES people(id),
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    used_by         INTEGER REFERENCES people(id),
    revoked_at      TEXT,
    CHECK (role != 'deputy' OR county_id IS NOT NULL),
    CHECK (role != 'member' OR organisation_id IS NOT NULL)
);

CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor_id   INTEGER REFERENCES people(id),
    action     TEXT NOT NULL,
    subject    TEXT,
    details    TEXT
);
CREATE INDEX audit_at ON audit_log(at);

-- Everything the bot owes a person is written here first and delivered from here.
-- dedup_key makes a (person, kind, day) reminder impossible to enqueue twice.
CREATE TABLE outbox (
    id          INTEGER PRIMARY KEY,
    chat_id     INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    dedup_key   TEXT UNIQUE,
    method      TEXT NOT NULL DEFAULT 'send_message',
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'cancelled')),
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    message_id  INTEGER,
    last_error  TEXT,
    batch_id    INTEGER
);
CREATE INDEX outbox_due ON outbox(status, not_before);
CREATE INDEX outbox_batch ON outbox(batch_id, status);

-- PTB conversation state and user_data (bot/persistence.py), so restarts resume flows.
CREATE TABLE conversation_state (
    name   TEXT NOT NULL,
    key    TEXT NOT NULL,
    state  TEXT NOT NULL,
    PRIMARY KEY (name, key)
);
CREATE TABLE user_data (
    user_id INTEGER PRIMARY KEY,
    data    TEXT NOT NULL
);

-- Groups the bot has already told that it works only in private chat.
CREATE TABLE group_notices (
    chat_id INTEGER PRIMARY KEY,
    at      TEXT NOT NULL
);
