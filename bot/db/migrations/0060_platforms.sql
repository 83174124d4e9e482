-- pragma: foreign_keys=off
-- Telegram and Bale from one process: the platform is part of who a person is. User ids of
-- the two messengers can be equal, so people are unique by (platform, tg_user_id), and every
-- key that holds a user or chat id holds its platform too: invitations (which platform they
-- are for), outbox rows, conversation steps, user_data, group notices, broadcast recipients
-- and a broadcast's status message. Everything there is today is Telegram's.
-- tg_user_id keeps its name: it is the person's user id on their platform.

CREATE TABLE people_new (
    id              INTEGER PRIMARY KEY,
    tg_user_id      INTEGER,
    name            TEXT NOT NULL,
    phone           TEXT UNIQUE,
    role            TEXT NOT NULL CHECK (role IN ('admin', 'deputy', 'member')),
    county_id       INTEGER REFERENCES counties(id),
    organisation_id INTEGER REFERENCES organisations(id),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    reachable       INTEGER NOT NULL DEFAULT 1 CHECK (reachable IN (0, 1)),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    last_seen_at    TEXT,
    deactivated_at  TEXT,
    platform        TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale')),
    CHECK (role != 'deputy' OR county_id IS NOT NULL),
    CHECK (role != 'member' OR organisation_id IS NOT NULL),
    UNIQUE (platform, tg_user_id)
);
INSERT INTO people_new (id, tg_user_id, name, phone, role, county_id, organisation_id, active,
                        reachable, created_at, updated_at, last_seen_at, deactivated_at)
SELECT id, tg_user_id, name, phone, role, county_id, organisation_id, active, reachable,
       created_at, updated_at, last_seen_at, deactivated_at
FROM people;
DROP TABLE people;
ALTER TABLE people_new RENAME TO people;
CREATE INDEX people_role ON people(role, active);
CREATE INDEX people_county ON people(county_id);
CREATE INDEX people_org ON people(organisation_id);
CREATE INDEX people_last_seen ON people(last_seen_at);

-- PTB's conversation steps and user_data, one set per platform's Application.
CREATE TABLE conversation_state_new (
    platform TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale')),
    name     TEXT NOT NULL,
    key      TEXT NOT NULL,
    state    TEXT NOT NULL,
    PRIMARY KEY (platform, name, key)
);
INSERT INTO conversation_state_new (name, key, state)
SELECT name, key, state FROM conversation_state;
DROP TABLE conversation_state;
ALTER TABLE conversation_state_new RENAME TO conversation_state;

CREATE TABLE user_data_new (
    platform TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale')),
    user_id  INTEGER NOT NULL,
    data     TEXT NOT NULL,
    PRIMARY KEY (platform, user_id)
);
INSERT INTO user_data_new (user_id, data) SELECT user_id, data FROM user_data;
DROP TABLE user_data;
ALTER TABLE user_data_new RENAME TO user_data;

CREATE TABLE group_notices_new (
    platform TEXT NOT NULL DEFAULT 'telegram' CHECK (platform IN ('telegram', 'bale')),
    chat_id  INTEGER NOT NULL,
    at       TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id)
);
INSERT INTO group_notices_new (chat_id, at) SELECT chat_id, at FROM group_notices;
DROP TABLE group_notices;
ALTER TABLE group_notices_new RENAME TO group_notices;

-- An invitation is for one platform (its link and the /start that redeems it).
ALTER TABLE invites ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram'
    CHECK (platform IN ('telegram', 'bale'));

-- The outbox delivers per platform, each paced with its own limits.
ALTER TABLE outbox ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram'
    CHECK (platform IN ('telegram', 'bale'));
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(status, platform, not_before);

ALTER TABLE broadcast_recipients ADD COLUMN platform TEXT NOT NULL DEFAULT 'telegram'
    CHECK (platform IN ('telegram', 'bale'));
-- The admin's status message lives on the admin's platform; an attachment is also kept on
-- disk (media_path, under MEDIA_DIR), since a file id works only on the platform it came from.
ALTER TABLE broadcasts ADD COLUMN status_platform TEXT
    CHECK (status_platform IS NULL OR status_platform IN ('telegram', 'bale'));
ALTER TABLE broadcasts ADD COLUMN media_path TEXT;
UPDATE broadcasts SET status_platform = 'telegram' WHERE status_chat_id IS NOT NULL;
