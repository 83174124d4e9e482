-- The league ranks a county only when it had a deputy when the month's plan was drawn:
-- with_month = 1 marks the plan rows drawn with the month (its first planning), 0 a deputy
-- planned later (who joined mid-month). moved_from keeps the planned day a holiday added
-- afterwards moved away from, so admins see the change in /plan.
ALTER TABLE inspection_plans ADD COLUMN with_month INTEGER NOT NULL DEFAULT 0
    CHECK (with_month IN (0, 1));
ALTER TABLE inspection_plans ADD COLUMN moved_from TEXT
    CHECK (moved_from IS NULL OR moved_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');

-- Plans made before this version: the rows of each month's first planning run.
UPDATE inspection_plans SET with_month = 1
WHERE created_at = (SELECT min(q.created_at) FROM inspection_plans q
                    WHERE q.period = inspection_plans.period);

CREATE INDEX inspection_plans_county ON inspection_plans(period, county_id, programme_id);
