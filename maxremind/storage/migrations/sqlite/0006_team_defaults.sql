-- What a new event of a team starts with, set on the team's settings page:
-- default_reminders  JSON list of offsets before the start, in seconds, to everyone;
-- default_escalation JSON list of {"offset": seconds, "target": "unanswered" |
--                    "organizer_summary"}: chase those who have not answered, tell the
--                    organizer who is missing.
-- Existing teams have none.
ALTER TABLE teams ADD COLUMN default_reminders TEXT NOT NULL DEFAULT '[]';
ALTER TABLE teams ADD COLUMN default_escalation TEXT NOT NULL DEFAULT '[]';
