-- Follow-ups chased to the end (issue 13): an admin may move a due date, with a reason;
-- every move is kept here (and in the audit log). Reminders and the overdue alert need no
-- column: they are outbox rows with (person, kind, day) dedup keys.
CREATE TABLE follow_up_extensions (
    id           INTEGER PRIMARY KEY,
    follow_up_id INTEGER NOT NULL REFERENCES follow_ups(id),
    old_due_at   TEXT NOT NULL,
    new_due_at   TEXT NOT NULL,
    reason       TEXT NOT NULL CHECK (length(trim(reason)) > 0),
    person_id    INTEGER NOT NULL REFERENCES people(id),
    created_at   TEXT NOT NULL,
    CHECK (new_due_at > old_due_at)
);
CREATE INDEX follow_up_extensions_follow_up ON follow_up_extensions(follow_up_id);
CREATE INDEX follow_ups_due ON follow_ups(status, due_at);
