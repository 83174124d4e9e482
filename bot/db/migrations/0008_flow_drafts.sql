-- One draft table for every multi-step flow (handlers/flowkit.py): the answers so far (data,
-- JSON) and the step being asked (step: its name; NULL when the person left the flow and the
-- draft waits to be continued), written before the question goes out. editing: one step is
-- being changed from the summary, which comes back after it.
-- AUTOINCREMENT: an id is never reused (a visit remembers the draft it came from, so a second
-- tap on an old confirm button finds the visit instead of another draft).
CREATE TABLE flow_drafts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    flow       TEXT NOT NULL,
    step       TEXT,
    editing    INTEGER NOT NULL DEFAULT 0 CHECK (editing IN (0, 1)),
    data       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (person_id, flow)
);

-- Ids go on after the check-in drafts' own.
INSERT INTO sqlite_sequence (name, seq) VALUES ('flow_drafts', max(
    coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'inspection_drafts'), 0),
    coalesce((SELECT max(draft_id) FROM inspections), 0)));

-- Check-ins under way: the draft as it was; its step from the conversation step PTB stored
-- (states 0..12 of the old handlers/checkin_steps.py; 12, "continue or start again?", is no
-- step: the draft waits) and a new facility's name from user_data.
INSERT INTO flow_drafts (id, person_id, flow, step, data, started_at, updated_at)
SELECT d.id, d.person_id, 'deputy_checkin',
    (SELECT CASE c.state
        WHEN '0' THEN 'programme' WHEN '1' THEN 'type' WHEN '2' THEN 'facility'
        WHEN '3' THEN 'new_name' WHEN '4' THEN 'new_address' WHEN '5' THEN 'location'
        WHEN '6' THEN 'skip_reason' WHEN '7' THEN 'photos' WHEN '8' THEN 'checklist'
        WHEN '9' THEN 'findings' WHEN '10' THEN 'severity' WHEN '11' THEN 'summary' END
     FROM conversation_state c JOIN people p ON p.tg_user_id = json_extract(c.key, '$[1]')
     WHERE c.name = 'deputy_checkin' AND p.id = d.person_id),
    CASE WHEN u.data IS NOT NULL AND json_extract(u.data, '$.ci_new_name') IS NOT NULL
         THEN json_set(d.data, '$.new_name', json_extract(u.data, '$.ci_new_name'))
         ELSE d.data END,
    d.started_at, d.updated_at
FROM inspection_drafts d
JOIN people p ON p.id = d.person_id
LEFT JOIN user_data u ON u.user_id = p.tg_user_id;

-- Progress reports under way: the draft row's answers and files become the draft's data; the
-- report row itself is made when the report is submitted (so no number is used up by a
-- draft that is never sent).
INSERT INTO flow_drafts (person_id, flow, step, editing, data, started_at, updated_at)
SELECT r.author_id, 'member_report', r.step, r.editing,
    json_object(
        'project_id', r.project_id, 'kind', r.kind, 'percent', r.percent,
        'previous_percent', r.previous_percent, 'backwards_reason', r.backwards_reason,
        'done_text', r.done_text, 'spent', r.spent, 'over_budget_ok', r.over_budget_ok,
        'people_reached', r.people_reached, 'revises', r.revision_of,
        'files', json(coalesce((
            SELECT json_group_array(json_object(
                'kind', a.kind, 'file_id', a.file_id, 'file_unique_id', a.file_unique_id,
                'file_name', a.file_name, 'mime_type', a.mime_type, 'size', a.size,
                'sha256', a.sha256, 'received_at', a.created_at))
            FROM (SELECT * FROM report_attachments WHERE report_id = r.id ORDER BY id) a),
            '[]'))),
    r.created_at, r.updated_at
FROM progress_reports r
WHERE r.status = 'draft';

DELETE FROM report_attachments
WHERE report_id IN (SELECT id FROM progress_reports WHERE status = 'draft');
DELETE FROM progress_reports WHERE status = 'draft';
DROP TABLE inspection_drafts;

-- The stored conversation steps become the steps' names.
DELETE FROM conversation_state WHERE name = 'deputy_checkin' AND state = '12';
UPDATE conversation_state SET state = json_quote(CASE state
    WHEN '0' THEN 'programme' WHEN '1' THEN 'type' WHEN '2' THEN 'facility'
    WHEN '3' THEN 'new_name' WHEN '4' THEN 'new_address' WHEN '5' THEN 'location'
    WHEN '6' THEN 'skip_reason' WHEN '7' THEN 'photos' WHEN '8' THEN 'checklist'
    WHEN '9' THEN 'findings' WHEN '10' THEN 'severity' WHEN '11' THEN 'summary' END)
WHERE name = 'deputy_checkin';
DELETE FROM conversation_state WHERE name = 'member_report' AND state = '0';
UPDATE conversation_state SET state = json_quote(CASE state
    WHEN '1' THEN 'percent' WHEN '2' THEN 'back_reason' WHEN '3' THEN 'final'
    WHEN '4' THEN 'done' WHEN '5' THEN 'files' WHEN '6' THEN 'spent' WHEN '7' THEN 'over'
    WHEN '8' THEN 'people' WHEN '9' THEN 'summary' END)
WHERE name = 'member_report';
DELETE FROM conversation_state WHERE state = 'null';
UPDATE user_data SET data = json_remove(data, '$.ci_new_name')
WHERE json_extract(data, '$.ci_new_name') IS NOT NULL;
DELETE FROM user_data WHERE data = '{}';
