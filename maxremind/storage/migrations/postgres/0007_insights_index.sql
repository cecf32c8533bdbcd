-- Insights read one occurrence's reminder deliveries per recipient (grouped), and ask for
-- every answer whether its person had a reminder (NOT EXISTS): without this index both
-- walk all of an occurrence's deliveries per person (see the SQLite migration 0014).
CREATE INDEX deliveries_recipient ON deliveries (occurrence_id, recipient_kind, recipient_id, kind);
