-- Managing people (/people, python -m bot people): when each was last seen (written at most
-- hourly), when an admin deactivated them; an invitation may name the deputy it replaces, or
-- say that an admin confirmed a second active deputy for the county.
ALTER TABLE people ADD COLUMN last_seen_at TEXT;
ALTER TABLE people ADD COLUMN deactivated_at TEXT;
ALTER TABLE invites ADD COLUMN replaces INTEGER REFERENCES people(id);
ALTER TABLE invites ADD COLUMN second_deputy INTEGER NOT NULL DEFAULT 0
    CHECK (second_deputy IN (0, 1));
CREATE INDEX people_last_seen ON people(last_seen_at);
