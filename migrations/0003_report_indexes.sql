-- 0003_report_indexes: indexes for the operators' reports across all rooms (README
-- "Persistence"): activity over a time range ("the busiest rooms this week") reads only
-- this index (index-only scan on sent_at, carrying room_id); rooms by a configuration flag
-- read a small partial index instead of every live room.
CREATE INDEX messages_by_time ON messages (sent_at) INCLUDE (room_id);
CREATE INDEX rooms_live_members_only ON rooms (id) WHERE destroyed_at IS NULL AND members_only;
