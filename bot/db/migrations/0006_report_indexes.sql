-- Indexes for the compliance league and the exports, which read by month: progress reports by
-- the instant they were submitted, follow-ups by the instant they were opened.
CREATE INDEX progress_reports_submitted ON progress_reports(submitted_at);
CREATE INDEX follow_ups_opened ON follow_ups(opened_at);
