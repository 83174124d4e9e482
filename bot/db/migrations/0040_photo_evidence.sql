-- Photos that cannot be recycled (issue 13): beside its SHA-256 every stored image gets a
-- perceptual hash, its pixel size, a bounded working copy for rendering, and what its EXIF
-- says (time taken, GPS); a check-in photo also remembers the earlier visit it was found in.
-- phash: 16 hex digits of imagehash.phash; '' when the image is too plain to compare or
-- cannot be read; NULL when not looked at yet (bot/services/photo_backfill.py fills those
-- whose file is on disk). work_path is relative to MEDIA_DIR like path.
ALTER TABLE inspection_photos ADD COLUMN phash TEXT;
ALTER TABLE inspection_photos ADD COLUMN width INTEGER;
ALTER TABLE inspection_photos ADD COLUMN height INTEGER;
ALTER TABLE inspection_photos ADD COLUMN work_path TEXT;
ALTER TABLE inspection_photos ADD COLUMN taken_at TEXT;
ALTER TABLE inspection_photos ADD COLUMN gps_lat REAL CHECK (gps_lat IS NULL OR gps_lat BETWEEN -90 AND 90);
ALTER TABLE inspection_photos ADD COLUMN gps_lon REAL CHECK (gps_lon IS NULL OR gps_lon BETWEEN -180 AND 180);
-- Tracking number of the earlier visit (or of the visit whose follow-up it closed) that
-- holds the same or a near-identical image.
ALTER TABLE inspection_photos ADD COLUMN used_before TEXT;
CREATE INDEX inspection_photos_phash ON inspection_photos(phash);

ALTER TABLE follow_ups ADD COLUMN close_photo_phash TEXT;
ALTER TABLE follow_ups ADD COLUMN close_photo_work_path TEXT;
CREATE INDEX follow_ups_close_sha ON follow_ups(close_photo_sha256);

-- Why a visit got its evidence strength: a JSON list of {"code": ..., values...}
-- (bot/services/evidence.py). NULL for visits stored before the reasons were kept.
ALTER TABLE inspections ADD COLUMN evidence_reasons TEXT;
