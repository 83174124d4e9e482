-- The office report, adding an organisation or a project, the counties and the broadcast move
-- onto the step-flow kit (as 0008 did for the check-in and the report): whoever is in the
-- middle of one at the upgrade continues at the same step, with the answers given so far.
-- Their answers were in user_data (the broadcast's in its draft row, its id in user_data);
-- their stored conversation steps were positional numbers and become step names.

CREATE TEMP TABLE moved_steps (person_id INTEGER, tg_user_id INTEGER, name TEXT, key TEXT,
                               flow TEXT, step TEXT);
INSERT INTO moved_steps
SELECT p.id, p.tg_user_id, c.name, c.key,
    CASE WHEN c.name = 'admin_projects' AND c.state IN ('0', '1', '2', '3', '4')
         THEN 'add_organisation'
         WHEN c.name = 'admin_projects' THEN 'add_project'
         ELSE c.name END,
    CASE c.name
        WHEN 'office_report' THEN CASE c.state WHEN '1' THEN 'count' WHEN '2' THEN 'narrative'
                                               WHEN '3' THEN 'summary' END
        WHEN 'admin_projects' THEN CASE c.state
            WHEN '0' THEN 'name' WHEN '1' THEN 'kind' WHEN '2' THEN 'county'
            WHEN '3' THEN 'registration' WHEN '4' THEN 'contact' WHEN '5' THEN 'organisation'
            WHEN '6' THEN 'title' WHEN '7' THEN 'domain' WHEN '8' THEN 'budget'
            WHEN '9' THEN 'start' WHEN '10' THEN 'deadline' WHEN '11' THEN 'summary' END
        WHEN 'admin_counties' THEN CASE c.state WHEN '1' THEN 'new_name' WHEN '2' THEN 'county'
                                                WHEN '3' THEN 'rename' END
        WHEN 'admin_broadcast' THEN CASE c.state
            WHEN '0' THEN 'text' WHEN '1' THEN 'attachment' WHEN '2' THEN 'audience'
            WHEN '3' THEN 'counties' WHEN '4' THEN 'organisation' WHEN '5' THEN 'ack'
            WHEN '6' THEN 'summary' END
    END
FROM conversation_state c
JOIN people p ON p.tg_user_id = json_extract(c.key, '$[1]')
WHERE c.name IN ('office_report', 'admin_projects', 'admin_counties', 'admin_broadcast');

INSERT INTO flow_drafts (person_id, flow, step, data, started_at, updated_at)
SELECT m.person_id, m.flow, m.step,
    CASE m.flow
        WHEN 'office_report' THEN coalesce(json_extract(u.data, '$.office_report'), '{}')
        WHEN 'add_organisation' THEN coalesce(json_extract(u.data, '$.admin_projects'), '{}')
        WHEN 'add_project' THEN coalesce(json_extract(u.data, '$.admin_projects'), '{}')
        WHEN 'admin_counties' THEN json_object('county_id', json_extract(u.data, '$.county_id'))
        WHEN 'admin_broadcast' THEN coalesce((
            SELECT json_object('text_html', b.text_html, 'text_length', b.text_length,
                               'media_kind', b.media_kind, 'media_file_id', b.media_file_id,
                               'audience', b.audience, 'county_ids', json(b.county_ids),
                               'organisation_id', b.organisation_id,
                               'ack_required', json(CASE b.ack_required WHEN 1 THEN 'true'
                                                    ELSE 'false' END))
            FROM broadcasts b
            WHERE b.id = json_extract(u.data, '$.broadcast_draft') AND b.status = 'draft'
              AND b.created_by = m.person_id), '{}')
    END,
    strftime('%Y-%m-%d %H:%M:%S', 'now'), strftime('%Y-%m-%d %H:%M:%S', 'now')
FROM moved_steps m
LEFT JOIN user_data u ON u.user_id = m.tg_user_id
WHERE m.step IS NOT NULL;

DELETE FROM conversation_state
WHERE name IN ('office_report', 'admin_projects', 'admin_counties', 'admin_broadcast');
INSERT INTO conversation_state (name, key, state)
SELECT flow, key, json_quote(step) FROM moved_steps WHERE step IS NOT NULL;
DROP TABLE moved_steps;

-- Broadcasts nobody sent are no broadcasts: their answers are in the drafts now.
DELETE FROM broadcasts WHERE status = 'draft'
    AND id NOT IN (SELECT broadcast_id FROM broadcast_recipients);
UPDATE user_data SET data = json_remove(data, '$.office_report', '$.admin_projects',
                                        '$.county_id', '$.broadcast_draft');
DELETE FROM user_data WHERE data = '{}';
