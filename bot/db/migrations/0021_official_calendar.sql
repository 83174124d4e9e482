-- Iran's official holidays are preloaded for this and the next Jalali year from the
-- `holidays` library; admins still add (a provincial holiday, a closure day) and remove.
-- source: 'official' (preloaded) or 'admin'. holiday_years remembers which Jalali years were
-- preloaded, so a holiday an admin removed is not brought back by the yearly refresh.
ALTER TABLE holidays ADD COLUMN source TEXT NOT NULL DEFAULT 'admin'
    CHECK (source IN ('admin', 'official'));

CREATE TABLE holiday_years (
    year      INTEGER PRIMARY KEY,
    loaded_at TEXT NOT NULL,
    added     INTEGER NOT NULL DEFAULT 0 CHECK (added >= 0)
);
