-- Surprise inspections: programmes, facility types and their checklists, the facility
-- registry, holidays, the secret monthly plan, check-in drafts, confirmed inspections with
-- photos and checklist answers, and follow-ups of serious findings.
-- Times are UTC text 'YYYY-MM-DD HH:MM:SS'; calendar days are Gregorian 'YYYY-MM-DD' of
-- Tehran; a period is a Jalali month 'YYYY-MM' (bot.jalali.JalaliMonth.key()).

-- A programme (food security, sports, health); monthly_required visits per deputy and month.
CREATE TABLE programmes (
    id               INTEGER PRIMARY KEY,
    code             TEXT UNIQUE,
    name             TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    monthly_required INTEGER NOT NULL DEFAULT 1 CHECK (monthly_required >= 0),
    position         INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);

CREATE TABLE facility_types (
    id           INTEGER PRIMARY KEY,
    programme_id INTEGER NOT NULL REFERENCES programmes(id),
    code         TEXT UNIQUE,
    name         TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    position     INTEGER NOT NULL DEFAULT 0,
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX facility_types_programme ON facility_types(programme_id);

-- Replaced items are deactivated, never deleted: old answers keep pointing at them.
CREATE TABLE checklist_items (
    id               INTEGER PRIMARY KEY,
    facility_type_id INTEGER NOT NULL REFERENCES facility_types(id),
    position         INTEGER NOT NULL,
    text             TEXT NOT NULL CHECK (length(trim(text)) > 0),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
CREATE INDEX checklist_items_type ON checklist_items(facility_type_id, active, position);

-- Days off besides Thursday and Friday (the planner and "working days" skip them).
CREATE TABLE holidays (
    day        TEXT PRIMARY KEY CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    name       TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE facilities (
    id               INTEGER PRIMARY KEY,
    county_id        INTEGER NOT NULL REFERENCES counties(id),
    facility_type_id INTEGER NOT NULL REFERENCES facility_types(id),
    name             TEXT NOT NULL CHECK (length(trim(name)) > 0),
    address          TEXT,
    lat              REAL CHECK (lat IS NULL OR lat BETWEEN -90 AND 90),
    lon              REAL CHECK (lon IS NULL OR lon BETWEEN -180 AND 180),
    last_visit_at    TEXT,
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_by       INTEGER REFERENCES people(id),
    created_at       TEXT NOT NULL,
    CHECK ((lat IS NULL) = (lon IS NULL)),
    UNIQUE (county_id, facility_type_id, name)
);
CREATE INDEX facilities_county_type ON facilities(county_id, facility_type_id, active);

-- The secret plan: one random working day per deputy, programme and Jalali month.
CREATE TABLE inspection_plans (
    id               INTEGER PRIMARY KEY,
    period           TEXT NOT NULL,
    deputy_id        INTEGER NOT NULL REFERENCES people(id),
    county_id        INTEGER NOT NULL REFERENCES counties(id),
    programme_id     INTEGER NOT NULL REFERENCES programmes(id),
    planned_day      TEXT,
    facility_type_id INTEGER REFERENCES facility_types(id),
    facility_id      INTEGER REFERENCES facilities(id),
    created_at       TEXT NOT NULL,
    UNIQUE (period, deputy_id, programme_id)
);
CREATE INDEX inspection_plans_day ON inspection_plans(planned_day);

-- One check-in being built per deputy; data is JSON (steps done so far). Deleted on confirm.
-- AUTOINCREMENT: a draft id is never reused, since inspections.draft_id remembers it (a second
-- tap on an old confirm button must find the visit it made, not a newer draft).
CREATE TABLE inspection_drafts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL UNIQUE REFERENCES people(id),
    data       TEXT NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- A confirmed visit. tracking is what the deputy is shown, stored with Latin digits
-- («<letter>-140509-0042»: Jalali year and month, then the month's sequence number).
-- Times are the server's receive times. location_status: 'live' (a fresh, own location),
-- 'skipped' (location_note says why). evidence: see docs/inspections.md.
CREATE TABLE inspections (
    id               INTEGER PRIMARY KEY,
    tracking         TEXT NOT NULL UNIQUE,
    draft_id         INTEGER NOT NULL UNIQUE,
    period           TEXT NOT NULL,
    deputy_id        INTEGER NOT NULL REFERENCES people(id),
    county_id        INTEGER NOT NULL REFERENCES counties(id),
    programme_id     INTEGER NOT NULL REFERENCES programmes(id),
    facility_type_id INTEGER NOT NULL REFERENCES facility_types(id),
    facility_id      INTEGER NOT NULL REFERENCES facilities(id),
    started_at       TEXT NOT NULL,
    confirmed_at     TEXT NOT NULL,
    location_status  TEXT NOT NULL CHECK (location_status IN ('live', 'skipped')),
    location_note    TEXT,
    lat              REAL,
    lon              REAL,
    location_sent_at TEXT,
    location_at      TEXT,
    distance_m       REAL,
    severity         TEXT NOT NULL CHECK (severity IN ('none', 'minor', 'serious', 'critical')),
    findings         TEXT,
    evidence         TEXT NOT NULL CHECK (evidence IN ('strong', 'medium', 'weak')),
    CHECK (location_status != 'live' OR (lat IS NOT NULL AND lon IS NOT NULL)),
    CHECK (location_status != 'skipped' OR length(trim(coalesce(location_note, ''))) > 0)
);
CREATE INDEX inspections_period ON inspections(period, county_id, programme_id);
CREATE INDEX inspections_deputy ON inspections(deputy_id, period);
CREATE INDEX inspections_facility ON inspections(facility_id);

-- Photo files live in MEDIA_DIR under their SHA-256 (path is relative to MEDIA_DIR).
-- source: 'photo' or 'document' (an image sent as a file); sent_at is Telegram's message date.
CREATE TABLE inspection_photos (
    id             INTEGER PRIMARY KEY,
    inspection_id  INTEGER NOT NULL REFERENCES inspections(id),
    sha256         TEXT NOT NULL CHECK (length(sha256) = 64),
    file_id        TEXT NOT NULL,
    file_unique_id TEXT,
    path           TEXT NOT NULL,
    size           INTEGER NOT NULL,
    mime_type      TEXT,
    source         TEXT NOT NULL CHECK (source IN ('photo', 'document')),
    forwarded      INTEGER NOT NULL DEFAULT 0 CHECK (forwarded IN (0, 1)),
    sent_at        TEXT,
    received_at    TEXT NOT NULL,
    UNIQUE (inspection_id, sha256)
);
CREATE INDEX inspection_photos_sha ON inspection_photos(sha256);

-- Answers as given, with the item's text at the time (the checklist may be replaced later).
CREATE TABLE inspection_answers (
    inspection_id INTEGER NOT NULL REFERENCES inspections(id),
    item_id       INTEGER NOT NULL REFERENCES checklist_items(id),
    position      INTEGER NOT NULL,
    item_text     TEXT NOT NULL,
    answer        TEXT NOT NULL CHECK (answer IN ('yes', 'no', 'na')),
    PRIMARY KEY (inspection_id, item_id)
);

-- Serious or critical findings open one follow-up; the deputy closes it with a note and photo.
CREATE TABLE follow_ups (
    id                INTEGER PRIMARY KEY,
    inspection_id     INTEGER NOT NULL UNIQUE REFERENCES inspections(id),
    county_id         INTEGER NOT NULL REFERENCES counties(id),
    severity          TEXT NOT NULL CHECK (severity IN ('serious', 'critical')),
    status            TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    opened_at         TEXT NOT NULL,
    due_at            TEXT NOT NULL,
    closed_at         TEXT,
    closed_by         INTEGER REFERENCES people(id),
    close_note        TEXT,
    close_photo_sha256  TEXT,
    close_photo_file_id TEXT,
    close_photo_path    TEXT,
    CHECK (status != 'closed' OR (closed_at IS NOT NULL AND close_note IS NOT NULL
                                  AND close_photo_sha256 IS NOT NULL))
);
CREATE INDEX follow_ups_county ON follow_ups(county_id, status);
