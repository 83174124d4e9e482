-- A project's progress and spending are those of its last accepted report: a returned report
-- counts for nothing until it is revised and accepted, and one awaiting review is shown
-- beside the accepted figures (pending_progress), not instead of them.
DROP VIEW project_overview;
CREATE VIEW project_overview AS
SELECT p.id AS project_id, p.title, p.domain, p.budget, p.start_date, p.deadline, p.status,
       o.id AS organisation_id, o.name AS organisation, o.county_id,
       a.id AS accepted_report_id, a.percent AS progress, a.spent,
       r.id AS last_report_id, r.submitted_at AS last_report_at, r.status AS last_report_status,
       w.percent AS pending_progress
FROM projects p
JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN progress_reports a ON a.id = (
    SELECT id FROM progress_reports
    WHERE project_id = p.id AND status = 'accepted'
    ORDER BY submitted_at DESC, id DESC LIMIT 1)
LEFT JOIN progress_reports r ON r.id = (
    SELECT id FROM progress_reports
    WHERE project_id = p.id AND status IN ('submitted', 'accepted', 'returned')
    ORDER BY submitted_at DESC, id DESC LIMIT 1)
LEFT JOIN progress_reports w ON w.id = (
    SELECT id FROM progress_reports
    WHERE project_id = p.id AND status = 'submitted'
    ORDER BY submitted_at DESC, id DESC LIMIT 1);
