-- 0010_room_vcards: XEP-0486 room avatars. A room's vCard-temp (XEP-0054), as the room
-- serves it on its JID, with the SHA-1 of each image (XEP-0153), which disco#info gives as
-- muc#roominfo_avatarhash. One row per room life that has one; clearing it deletes the row
-- (the audit log keeps an "avatar" row per change).
CREATE TABLE room_vcards (
  room_id       bigint PRIMARY KEY REFERENCES rooms (id),
  vcard_xml     text NOT NULL,
  avatar_hashes text[] NOT NULL,
  set_by        text,  -- bare JID of the owner; NULL: the service (a room's first save)
  set_at        timestamptz NOT NULL
);

-- Rooms with an avatar: which, set by whom and when (the image itself is in room_vcards).
CREATE VIEW muc_room_avatars AS
SELECT r.jid AS room, v.avatar_hashes, v.set_by, v.set_at, length(v.vcard_xml) AS vcard_bytes
FROM room_vcards v
JOIN rooms r ON r.id = v.room_id AND r.destroyed_at IS NULL;
