-- 0002_views: the stable SQL interface for operators (docs/architecture.md, "Persistence").
--
-- Query these views, not the tables: their names and columns only ever grow. Examples
-- are in db/README.md ("who banned whom, when and why": SELECT * FROM muc_bans ...).
-- Views over live rooms leave destroyed rooms out; muc_audit and muc_messages keep them
-- (room_live says which), because the trail outlives the room.

-- Live rooms and their configuration.
CREATE VIEW muc_rooms AS
SELECT r.id AS room_id, r.jid AS room, r.creator, r.created_at, r.updated_at,
       r.name, r.description, r.language, r.persistent, r.public_room, r.change_subject,
       r.allow_invites, r.allow_pm, r.members_only, r.moderated, r.password_protected,
       r.max_users, r.whois, r.presence_broadcast, r.get_member_list, r.history_length,
       r.enable_logging, s.text AS subject, s.nick AS subject_nick
FROM rooms r
LEFT JOIN subjects s ON s.room_id = r.id
WHERE r.destroyed_at IS NULL;

-- Destroyed rooms (XEP-0045 10.9): who destroyed them, when, why, and where they moved.
CREATE VIEW muc_destroyed_rooms AS
SELECT r.id AS room_id, r.jid AS room, r.creator, r.created_at, r.destroyed_at,
       r.destroyed_by, r.destroy_reason, r.alternate_venue
FROM rooms r
WHERE r.destroyed_at IS NOT NULL;

-- Bans (affiliation outcast) in live rooms: who banned whom, when, why.
CREATE VIEW muc_bans AS
SELECT r.jid AS room, a.jid, a.reason, a.granted_by AS banned_by, a.granted_at AS banned_at
FROM affiliations a
JOIN rooms r ON r.id = a.room_id AND r.destroyed_at IS NULL
WHERE a.affiliation = 'outcast';

-- Members, admins and owners of live rooms, with their registered nick if any.
CREATE VIEW muc_members AS
SELECT r.jid AS room, a.jid, a.affiliation, n.nick, a.reason, a.granted_by, a.granted_at
FROM affiliations a
JOIN rooms r ON r.id = a.room_id AND r.destroyed_at IS NULL
LEFT JOIN registered_nicks n ON n.room_id = a.room_id AND n.jid = a.jid
WHERE a.affiliation IN ('member', 'admin', 'owner');

-- Every administrative action, newest last.
CREATE VIEW muc_audit AS
SELECT l.id, l.at, l.room_jid AS room, l.actor, l.action, l.target, l.old_value,
       l.new_value, l.reason, (r.id IS NOT NULL AND r.destroyed_at IS NULL) AS room_live
FROM audit_log l
LEFT JOIN rooms r ON r.id = l.room_id;

-- The archive, with the room's JID.
CREATE VIEW muc_messages AS
SELECT m.id, m.sent_at, r.jid AS room, m.sender_nick, m.sender_jid, m.message_id, m.body,
       m.stanza_xml, (r.destroyed_at IS NULL) AS room_live
FROM messages m
JOIN rooms r ON r.id = m.room_id;
