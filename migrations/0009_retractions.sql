-- 0009_retractions: XEP-0424/0425 tombstones (db/pg_retract.cpp). A retracted message keeps
-- its row, its place in the archive and its stanza-id; its body is dropped (NULL) and its
-- stanza_xml becomes the tombstone the archive serves: the message's ids and a
-- <retracted/> that says when, by whom and why. The retraction itself is archived as a
-- message of its own, and the audit log has a "retract" row.
ALTER TABLE messages ALTER COLUMN body DROP NOT NULL;
ALTER TABLE messages ADD COLUMN retracted_at timestamptz;
ALTER TABLE messages ADD COLUMN retracted_by text;    -- real bare JID of who retracted it
ALTER TABLE messages ADD COLUMN retract_reason text;  -- NULL: none given
ALTER TABLE messages ADD CHECK (retracted_at IS NOT NULL OR
                                (retracted_by IS NULL AND retract_reason IS NULL AND
                                 body IS NOT NULL));

-- muc_messages gains the columns at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_messages AS
SELECT m.id, m.sent_at, r.jid AS room, m.sender_nick, m.sender_jid, m.message_id, m.body,
       m.stanza_xml, (r.destroyed_at IS NULL) AS room_live, m.stanza_id, m.retracted_at,
       m.retracted_by, m.retract_reason
FROM messages m
JOIN rooms r ON r.id = m.room_id;
