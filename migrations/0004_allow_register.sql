-- 0004_allow_register: the room option x-muc#roomconfig_allowregister
-- (component/muc/options/allow_register.cpp): may users without affiliation register a
-- nick and so become members? Off for every existing room, as for new ones.
ALTER TABLE rooms ADD COLUMN allow_register boolean NOT NULL DEFAULT false;

-- muc_rooms gains the column at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_rooms AS
SELECT r.id AS room_id, r.jid AS room, r.creator, r.created_at, r.updated_at,
       r.name, r.description, r.language, r.persistent, r.public_room, r.change_subject,
       r.allow_invites, r.allow_pm, r.members_only, r.moderated, r.password_protected,
       r.max_users, r.whois, r.presence_broadcast, r.get_member_list, r.history_length,
       r.enable_logging, s.text AS subject, s.nick AS subject_nick, r.allow_register
FROM rooms r
LEFT JOIN subjects s ON s.room_id = r.id
WHERE r.destroyed_at IS NULL;
