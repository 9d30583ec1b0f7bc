-- 0011_archived_subjects: a subject change is archived as messages are (XEP-0313, MUC
-- Archives: "as should subject change stanzas"), in its own row of messages with the
-- subject in `subject` and no body. It is served by MAM in its place among the messages;
-- it is not part of the history on entering, which is followed by the current subject
-- (XEP-0045 7.2.16), and it cannot be retracted (XEP-0424 retracts messages).
ALTER TABLE messages ADD COLUMN subject text;  -- NULL: a message; '' clears the subject

-- A row is a message with a body, a tombstone (retracted, no body), or a subject change.
ALTER TABLE messages DROP CONSTRAINT messages_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind CHECK (
  CASE
    WHEN subject IS NOT NULL THEN body IS NULL AND retracted_at IS NULL
    WHEN retracted_at IS NOT NULL THEN body IS NULL
    ELSE body IS NOT NULL AND retracted_by IS NULL AND retract_reason IS NULL
  END);

-- muc_messages gains the column at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_messages AS
SELECT m.id, m.sent_at, r.jid AS room, m.sender_nick, m.sender_jid, m.message_id, m.body,
       m.stanza_xml, (r.destroyed_at IS NULL) AS room_live, m.stanza_id, m.retracted_at,
       m.retracted_by, m.retract_reason, m.subject
FROM messages m
JOIN rooms r ON r.id = m.room_id;
