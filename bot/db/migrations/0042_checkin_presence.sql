-- pragma: foreign_keys=off
-- The check-in's presence and findings (issue 13).
--
-- 1. inspections: a fourth evidence level, 'very_strong' (a live location that stayed by the
--    facility: bot/services/evidence.py); the live location's track; the deputy's word that
--    the facility's registered coordinates are wrong, and when an admin corrected them (the
--    visit's evidence is then assessed again). SQLite changes a CHECK only by rebuilding the
--    table: create, copy, drop, rename (bot/db/migrations.py runs this with foreign keys off
--    and checks them before it commits). Every column is copied as it was.
CREATE TABLE inspections_new (
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
    -- 'live': the deputy's own current position (one shot, or a Telegram live location with
    -- location_track); 'skipped': none, with a reason in location_note.
    location_status  TEXT NOT NULL CHECK (location_status IN ('live', 'skipped')),
    location_note    TEXT,
    lat              REAL,
    lon              REAL,
    location_sent_at TEXT,
    location_at      TEXT,
    distance_m       REAL,
    severity         TEXT NOT NULL CHECK (severity IN ('none', 'minor', 'serious', 'critical')),
    findings         TEXT,
    evidence         TEXT NOT NULL
                     CHECK (evidence IN ('very_strong', 'strong', 'medium', 'weak')),
    evidence_reasons TEXT,
    -- JSON [{"lat", "lon", "at", "distance_m"}, ...] of a live location's points, first the
    -- one it was shared at (bot/services/checkin_location.py keeps at most 60); NULL otherwise.
    location_track   TEXT,
    coordinates_disputed     INTEGER NOT NULL DEFAULT 0 CHECK (coordinates_disputed IN (0, 1)),
    coordinates_corrected_at TEXT,
    CHECK (location_status != 'live' OR (lat IS NOT NULL AND lon IS NOT NULL)),
    CHECK (location_status != 'skipped' OR length(trim(coalesce(location_note, ''))) > 0),
    CHECK (coordinates_corrected_at IS NULL OR coordinates_disputed = 1)
);
INSERT INTO inspections_new (
    id, tracking, draft_id, period, deputy_id, county_id, programme_id, facility_type_id,
    facility_id, started_at, confirmed_at, location_status, location_note, lat, lon,
    location_sent_at, location_at, distance_m, severity, findings, evidence, evidence_reasons)
SELECT id, tracking, draft_id, period, deputy_id, county_id, programme_id, facility_type_id,
    facility_id, started_at, confirmed_at, location_status, location_note, lat, lon,
    location_sent_at, location_at, distance_m, severity, findings, evidence, evidence_reasons
FROM inspections;
DROP TABLE inspections;
ALTER TABLE inspections_new RENAME TO inspections;
CREATE INDEX inspections_period ON inspections(period, county_id, programme_id);
CREATE INDEX inspections_deputy ON inspections(deputy_id, period);
CREATE INDEX inspections_facility ON inspections(facility_id);
-- The visits waiting for an admin to correct their facility's coordinates (/coordinates).
CREATE INDEX inspections_disputed ON inspections(facility_id)
    WHERE coordinates_disputed = 1 AND coordinates_corrected_at IS NULL;

-- 2. A checklist item may be critical: a «no» on it proposes at least a serious severity.
--    NULL: stored before the flag existed; on start-up bot/services/inspection_setup.py sets
--    the shipped checklists' flags from locales/fa/checklists.toml, and 0 for the others.
ALTER TABLE checklist_items ADD COLUMN critical INTEGER CHECK (critical IS NULL OR critical IN (0, 1));

-- 3. Every «no» has its finding line, or was corrected on the spot (with a note saying how).
ALTER TABLE inspection_answers ADD COLUMN critical INTEGER NOT NULL DEFAULT 0 CHECK (critical IN (0, 1));
ALTER TABLE inspection_answers ADD COLUMN note TEXT;
ALTER TABLE inspection_answers ADD COLUMN corrected INTEGER NOT NULL DEFAULT 0 CHECK (corrected IN (0, 1));
