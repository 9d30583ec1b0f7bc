-- 0007_room_tombstones: whether a destroyed room left a tombstone (component/muc/tombstone.hpp):
-- true when an owner destroyed it (XEP-0045 10.9); false when it was retired because it
-- emptied or stopped being persistent. Rows destroyed before this migration left none.
ALTER TABLE rooms ADD COLUMN tombstone boolean NOT NULL DEFAULT false;

-- muc_destroyed_rooms gains the column at its end (views only ever grow, 0002_views.sql).
CREATE OR REPLACE VIEW muc_destroyed_rooms AS
SELECT r.id AS room_id, r.jid AS room, r.creator, r.created_at, r.destroyed_at,
       r.destroyed_by, r.destroy_reason, r.alternate_venue, r.tombstone
FROM rooms r
WHERE r.destroyed_at IS NOT NULL;
