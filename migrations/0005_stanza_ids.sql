-- 0005_stanza_ids: the room's XEP-0359 id of every archived message
-- (component/muc/stanza_id.hpp), the id clients reply to, react to and page the archive by.
-- Messages archived before this migration have none (NULL).
ALTER TABLE messages ADD COLUMN stanza_id text;

-- A message is found by its id within its room; no two messages of a room share one.
CREATE UNIQUE INDEX messages_by_stanza_id ON messages (room_id, stanza_id)
  WHERE stanza_id IS NOT NULL;

-- muc_messages gains the column at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_messages AS
SELECT m.id, m.sent_at, r.jid AS room, m.sender_nick, m.sender_jid, m.message_id, m.body,
       m.stanza_xml, (r.destroyed_at IS NULL) AS room_live, m.stanza_id
FROM messages m
JOIN rooms r ON r.id = m.room_id;
