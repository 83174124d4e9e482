-- Organisations' projects, their progress reports (versioned), attachments, review decisions,
-- and the facilitation offices' monthly activity reports.
-- Dates a person reads in Jalali are stored as Gregorian ISO dates 'YYYY-MM-DD' (local,
-- Asia/Tehran calendar days); instants are UTC text 'YYYY-MM-DD HH:MM:SS'. Money is whole toman.

CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    title           TEXT NOT NULL CHECK (length(trim(title)) > 0),
    domain          TEXT NOT NULL CHECK (domain IN ('sport', 'health', 'culture', 'society',
                        'beggars', 'informal_settlements', 'addiction')),
    budget          INTEGER NOT NULL CHECK (budget >= 0),
    start_date      TEXT NOT NULL CHECK (start_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    deadline        TEXT NOT NULL CHECK (deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    status          TEXT NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'completed', 'overdue', 'cancelled')),
    overdue_at      TEXT,
    completed_at    TEXT,
    created_by      INTEGER REFERENCES people(id),
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (organisation_id, title),
    CHECK (deadline >= start_date),
    CHECK (status != 'completed' OR completed_at IS NOT NULL)
);
CREATE INDEX projects_org ON projects(organisation_id, status);
CREATE INDEX projects_deadline ON projects(status, deadline);

-- One row per version of a report. A draft is the report being written in chat (at most one
-- per person); submitting gives it a tracking code. A revision is a new row whose revision_of
-- is the returned version; root_id is the first version of the chain (itself for version 1).
CREATE TABLE progress_reports (
    id                INTEGER PRIMARY KEY,
    project_id        INTEGER NOT NULL REFERENCES projects(id),
    author_id         INTEGER NOT NULL REFERENCES people(id),
    kind              TEXT NOT NULL DEFAULT 'progress' CHECK (kind IN ('progress', 'final')),
    root_id           INTEGER REFERENCES progress_reports(id),
    revision_of       INTEGER REFERENCES progress_reports(id),
    version           INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
    status            TEXT NOT NULL DEFAULT 'draft'
                      CHECK (status IN ('draft', 'submitted', 'accepted', 'returned', 'discarded')),
    percent           INTEGER CHECK (percent BETWEEN 0 AND 100),
    previous_percent  INTEGER CHECK (previous_percent BETWEEN 0 AND 100),
    backwards_reason  TEXT,
    done_text         TEXT,
    spent             INTEGER CHECK (spent >= 0),
    over_budget_ok    INTEGER NOT NULL DEFAULT 0 CHECK (over_budget_ok IN (0, 1)),
    people_reached    INTEGER CHECK (people_reached >= 0),
    tracking_code     TEXT UNIQUE,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    submitted_at      TEXT,
    decided_at        TEXT,
    CHECK ((revision_of IS NULL) = (version = 1)),
    CHECK (status IN ('draft', 'discarded') OR (percent IS NOT NULL AND spent IS NOT NULL
           AND tracking_code IS NOT NULL AND submitted_at IS NOT NULL)),
    -- Going backwards needs a reason once the report leaves the draft stage.
    CHECK (status IN ('draft', 'discarded') OR previous_percent IS NULL
           OR percent >= previous_percent OR length(trim(coalesce(backwards_reason, ''))) > 0)
);
CREATE UNIQUE INDEX progress_reports_one_draft ON progress_reports(author_id) WHERE status = 'draft';
CREATE UNIQUE INDEX progress_reports_one_revision ON progress_reports(revision_of)
    WHERE revision_of IS NOT NULL AND status != 'discarded';
CREATE INDEX progress_reports_project ON progress_reports(project_id, status, submitted_at);

-- Photos, documents and voice notes: Telegram's file_id (valid for this bot token) and, once
-- downloaded, the SHA-256 of the bytes, which names the file under MEDIA_DIR (ab/cdef...).
CREATE TABLE report_attachments (
    id              INTEGER PRIMARY KEY,
    report_id       INTEGER NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL CHECK (kind IN ('photo', 'document', 'voice')),
    file_id         TEXT NOT NULL,
    file_unique_id  TEXT NOT NULL,
    file_name       TEXT,
    mime_type       TEXT,
    size            INTEGER CHECK (size IS NULL OR size <= 20971520),
    sha256          TEXT CHECK (sha256 IS NULL OR length(sha256) = 64),
    created_at      TEXT NOT NULL,
    UNIQUE (report_id, file_unique_id)
);

-- The decision on one version; one decision per version (a second click changes nothing).
CREATE TABLE report_reviews (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL UNIQUE REFERENCES progress_reports(id),
    reviewer_id INTEGER NOT NULL REFERENCES people(id),
    decision    TEXT NOT NULL CHECK (decision IN ('accepted', 'returned')),
    reason      TEXT,
    decided_at  TEXT NOT NULL,
    CHECK (decision = 'accepted' OR length(trim(coalesce(reason, ''))) > 0)
);

-- A facilitation office's activity in one Jalali month (period '1405-09').
CREATE TABLE office_reports (
    id              INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations(id),
    period          TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]'),
    author_id       INTEGER NOT NULL REFERENCES people(id),
    empowerment     INTEGER NOT NULL CHECK (empowerment >= 0),
    skills_training INTEGER NOT NULL CHECK (skills_training >= 0),
    education       INTEGER NOT NULL CHECK (education >= 0),
    health          INTEGER NOT NULL CHECK (health >= 0),
    construction    INTEGER NOT NULL CHECK (construction >= 0),
    narrative       TEXT NOT NULL CHECK (length(trim(narrative)) > 0),
    tracking_code   TEXT NOT NULL UNIQUE,
    submitted_at    TEXT NOT NULL,
    UNIQUE (organisation_id, period)
);

-- For compliance and exports: each project with its county and its latest submitted report.
CREATE VIEW project_overview AS
SELECT p.id AS project_id, p.title, p.domain, p.budget, p.start_date, p.deadline, p.status,
       o.id AS organisation_id, o.name AS organisation, o.county_id,
       r.id AS last_report_id, r.percent AS progress, r.spent, r.submitted_at AS last_report_at,
       r.status AS last_report_status
FROM projects p
JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN progress_reports r ON r.id = (
    SELECT id FROM progress_reports
    WHERE project_id = p.id AND status IN ('submitted', 'accepted', 'returned')
    ORDER BY submitted_at DESC, id DESC LIMIT 1);
