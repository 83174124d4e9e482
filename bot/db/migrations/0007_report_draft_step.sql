-- The step a progress-report draft is at, kept in the draft itself and written before the bot
-- asks it, so a kill -9 between the bot's question and PTB's own persistence of the
-- conversation step cannot lose it (handlers/report_resume.py puts the conversation back).
-- step: what the member is being asked (NULL: not in the middle of the report, e.g. at the
-- project list or after /cancel). editing: a single step is being changed, after which the
-- summary comes back (this was user_data "rep_edit").
ALTER TABLE progress_reports ADD COLUMN step TEXT CHECK (step IN (
    'percent', 'back_reason', 'final', 'done', 'files', 'spent', 'over', 'people', 'summary'));
ALTER TABLE progress_reports ADD COLUMN editing INTEGER NOT NULL DEFAULT 0
    CHECK (editing IN (0, 1));

-- Drafts in the middle of /report when this version is installed: take the step from the
-- conversation step PTB stored (key [chat, user]; states 1..9 of handlers/member_report.py)
-- and the editing flag from user_data, so nobody in the middle of a report is moved.
UPDATE progress_reports SET
    step = (
        SELECT CASE c.state
            WHEN '1' THEN 'percent' WHEN '2' THEN 'back_reason' WHEN '3' THEN 'final'
            WHEN '4' THEN 'done' WHEN '5' THEN 'files' WHEN '6' THEN 'spent'
            WHEN '7' THEN 'over' WHEN '8' THEN 'people' WHEN '9' THEN 'summary' END
        FROM conversation_state c JOIN people p ON p.tg_user_id = json_extract(c.key, '$[1]')
        WHERE c.name = 'member_report' AND p.id = progress_reports.author_id),
    editing = coalesce((
        SELECT CASE WHEN json_extract(u.data, '$.rep_edit') THEN 1 ELSE 0 END
        FROM user_data u JOIN people p ON p.tg_user_id = u.user_id
        WHERE p.id = progress_reports.author_id), 0)
WHERE status = 'draft';
UPDATE user_data SET data = json_remove(data, '$.rep_edit')
WHERE json_extract(data, '$.rep_edit') IS NOT NULL;
DELETE FROM user_data WHERE data = '{}';
