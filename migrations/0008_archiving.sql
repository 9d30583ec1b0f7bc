-- 0008_archiving: the room option muc#roomconfig_enablearchiving
-- (component/muc/options/enable_archiving.cpp): is the room's conversation kept in its
-- XEP-0313 archive, served on the room's JID? On for existing rooms, as for new ones by
-- default ([service] archiving_default).
ALTER TABLE rooms ADD COLUMN enable_archiving boolean NOT NULL DEFAULT true;

-- One archive page (XEP-0313 4) is a range of a room's messages in the order they were
-- archived, read from either end: an index scan of at most one page plus one row, however
-- large the room's archive or the table. Messages without a stanza-id (archived before
-- 0005) are not served, so they are not indexed.
CREATE INDEX messages_archive_order ON messages (room_id, id) WHERE stanza_id IS NOT NULL;

-- muc_rooms gains the column at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_rooms AS
SELECT r.id AS room_id, r.jid AS room, r.creator, r.created_at, r.updated_at,
       r.name, r.description, r.language, r.persistent, r.public_room, r.change_subject,
       r.allow_invites, r.allow_pm, r.members_only, r.moderated, r.password_protected,
       r.max_users, r.whois, r.presence_broadcast, r.get_member_list, r.history_length,
       r.enable_logging, s.text AS subject, s.nick AS subject_nick, r.allow_register,
       r.enable_archiving
FROM rooms r
LEFT JOIN subjects s ON s.room_id = r.id
WHERE r.destroyed_at IS NULL;
