-- 0001_initial: the tables of the MUC component (docs/architecture.md, "Persistence").
--
-- One row per room life in `rooms`: destroying a room (XEP-0045 10.9) stamps destroyed_at
-- and keeps the row, with its affiliations, nicks, subject and messages, for the audit
-- trail; the JID is unique only among live rooms, so it can be created again afterwards.
-- Every RoomConfig field (component/muc/room_config.hpp) is a typed column, so that an
-- operator answers "which rooms are members-only" with a plain WHERE.
-- Read through the views of 0002_views.sql; these tables are not a stable interface.
--
-- Applied by db/migrator.cpp in one transaction; never edit it once applied (the migrator
-- compares checksums): add a new NNNN_name.sql instead.

CREATE TABLE rooms (
  id                 bigserial PRIMARY KEY,
  jid                text NOT NULL,
  creator            text NOT NULL,  -- bare JID; kept from the first save
  created_at         timestamptz NOT NULL,
  updated_at         timestamptz NOT NULL,  -- last configuration save
  destroyed_at       timestamptz,           -- NULL while the room lives
  destroyed_by       text,
  destroy_reason     text,
  alternate_venue    text,                  -- XEP-0045 10.9 <alternate-venue/>, if any
  -- Configuration: XEP-0045 10.2 and the muc#roomconfig fields of 16.5.3.
  name               text NOT NULL,
  description        text NOT NULL,
  language           text NOT NULL,
  persistent         boolean NOT NULL,
  public_room        boolean NOT NULL,
  change_subject     boolean NOT NULL,  -- may participants change the subject?
  allow_invites      boolean NOT NULL,  -- may participants invite?
  allow_pm           text NOT NULL
                     CHECK (allow_pm IN ('anyone', 'participants', 'moderators', 'none')),
  members_only       boolean NOT NULL,
  moderated          boolean NOT NULL,
  password_protected boolean NOT NULL,
  password           text NOT NULL,
  max_users          bigint NOT NULL CHECK (max_users BETWEEN 0 AND 4294967295),  -- 0 = no limit
  whois              text NOT NULL CHECK (whois IN ('moderators', 'anyone')),
  -- Sets of roles, as arrays so that `'visitor' = ANY(presence_broadcast)` reads plainly.
  presence_broadcast text[] NOT NULL
                     CHECK (presence_broadcast <@ ARRAY['moderator', 'participant', 'visitor']),
  get_member_list    text[] NOT NULL
                     CHECK (get_member_list <@ ARRAY['moderator', 'participant', 'visitor']),
  history_length     bigint NOT NULL CHECK (history_length BETWEEN 0 AND 4294967295),
  enable_logging     boolean NOT NULL,
  -- A live room carries no details of a destruction.
  CHECK (destroyed_at IS NOT NULL
         OR (destroyed_by IS NULL AND destroy_reason IS NULL AND alternate_venue IS NULL))
);
-- One live room per JID; also the index every store operation uses to find its room.
CREATE UNIQUE INDEX rooms_live_jid ON rooms (jid) WHERE destroyed_at IS NULL;
CREATE INDEX rooms_jid ON rooms (jid);

-- XEP-0045 5.2: affiliations are per bare JID and persist across visits. "none" is the
-- absence of a row; outcast is a ban.
CREATE TABLE affiliations (
  room_id     bigint NOT NULL REFERENCES rooms (id),
  jid         text NOT NULL,
  affiliation text NOT NULL CHECK (affiliation IN ('owner', 'admin', 'member', 'outcast')),
  reason      text,         -- NULL: none given
  granted_by  text,         -- bare JID; NULL: the service itself
  granted_at  timestamptz NOT NULL,
  PRIMARY KEY (room_id, jid)
);
CREATE INDEX affiliations_by_affiliation ON affiliations (affiliation, room_id);
CREATE INDEX affiliations_by_jid ON affiliations (jid);

-- XEP-0045 7.10: one registered nick per bare JID and room, and one owner per nick.
-- Nicks are compared exactly: resourceprep (RFC 7622) does not fold case, so "Alice" and
-- "alice" are different nicks to XMPP.
CREATE TABLE registered_nicks (
  room_id       bigint NOT NULL REFERENCES rooms (id),
  jid           text NOT NULL,
  nick          text NOT NULL,
  registered_at timestamptz NOT NULL,
  PRIMARY KEY (room_id, jid),
  UNIQUE (room_id, nick)
);

-- The current subject (XEP-0045 8.1); its history is in audit_log.
CREATE TABLE subjects (
  room_id bigint PRIMARY KEY REFERENCES rooms (id),
  text    text NOT NULL,
  nick    text,  -- occupant nick of the setter; NULL: the room itself
  set_by  text,  -- bare JID of the setter
  set_at  timestamptz NOT NULL
);

-- The archive: every groupchat message as broadcast. History for new occupants (XEP-0045
-- 7.2.15) is the newest rooms.history_length rows of a room.
CREATE TABLE messages (
  id          bigserial PRIMARY KEY,
  room_id     bigint NOT NULL REFERENCES rooms (id),
  sender_nick text NOT NULL,
  sender_jid  text NOT NULL,
  message_id  text,  -- the client's id attribute; NULL if it had none
  body        text NOT NULL,
  stanza_xml  text NOT NULL,
  sent_at     timestamptz NOT NULL
);
CREATE INDEX messages_by_room_time ON messages (room_id, sent_at, id);

-- Every administrative action: who did what to whom, why, when (docs/architecture.md). room_jid is
-- kept as text too, because actions in rooms that never had a row (temporary rooms)
-- are recorded as well; room_id is the room life it belongs to, when there is one.
CREATE TABLE audit_log (
  id        bigserial PRIMARY KEY,
  room_id   bigint REFERENCES rooms (id),
  room_jid  text NOT NULL,
  actor     text,         -- bare JID; NULL: the service
  action    text NOT NULL,  -- "affiliation", "role", "config", "destroy", "subject", ...
  target    text,
  old_value text,
  new_value text,
  reason    text,
  at        timestamptz NOT NULL
);
CREATE INDEX audit_by_room_time ON audit_log (room_jid, at);
CREATE INDEX audit_by_room_id ON audit_log (room_id, at);
CREATE INDEX audit_by_target ON audit_log (target, at);
