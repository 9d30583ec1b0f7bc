"""The operators' SQL interface (db/README.md "The SQL interface: views"; migrations/
0002_views.sql): after administrative actions over XMPP (XEP-0045 9.1 ban, 9.3 membership,
8.1 subject, 10.2 configuration) and a logged message, plain SELECTs on the views answer
who banned whom and why, what was changed by whom, which rooms are members-only, and what
was said."""
import pytest

from harness.env import persistence_skip_reason
from harness.muc import admin_item, admin_set, create_room, groupchat_from, is_subject
from harness.stanza import new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

ROOM_NAME = "Operators' view"
BAN_REASON = "spamming links"
MEMBER_REASON = "regular"
SUBJECT = "Audit me"
BODY = "this goes to the archive"


async def test_views_answer_bans_audit_rooms_members_and_messages(muc):
    env = muc.env
    alice = await muc.client("alice")
    room = muc.room("sql")
    await create_room(alice, f"{room}/Alice", {
        "muc#roomconfig_roomname": ROOM_NAME,
        "muc#roomconfig_persistentroom": "1",
        "muc#roomconfig_membersonly": "1",
        "muc#roomconfig_enablelogging": "1",
    })
    reply = await admin_set(alice, room, admin_item(jid="carol@localhost", affiliation="member",
                                                    reason=MEMBER_REASON))
    assert reply.type == "result", reply
    reply = await admin_set(alice, room, admin_item(jid="eve@localhost", affiliation="outcast",
                                                    reason=BAN_REASON))
    assert reply.type == "result", reply
    subject_id = new_id("subj")
    alice.send(f"<message type='groupchat' to='{room}' id='{subject_id}'>"
               f"<subject>{SUBJECT}</subject></message>")
    await alice.expect(lambda s: is_subject(room)(s) and s.subject == SUBJECT, "the subject change")
    mid = new_id("logged")
    alice.send(f"<message type='groupchat' to='{room}' id='{mid}'><body>{BODY}</body></message>")
    # Logged messages are archived before they are broadcast: the reflection means COMMIT.
    await alice.expect(groupchat_from(f"{room}/Alice", BODY), "the logged message's reflection")

    # Who banned whom, when and why.
    bans = env.sql("SELECT room, jid, reason, banned_by, banned_at IS NOT NULL AS has_time, "
                   "banned_at BETWEEN now() - interval '10 minutes' AND now() AS recent "
                   "FROM muc_bans WHERE room = :'room'", room=room)
    assert bans == [{"room": room, "jid": "eve@localhost", "reason": BAN_REASON,
                     "banned_by": "alice@localhost", "has_time": True, "recent": True}], bans

    # The audit trail of affiliation changes, in order.
    audit = env.sql("SELECT actor, action, target, old_value, new_value, reason, room_live, "
                    "at IS NOT NULL AS has_time FROM muc_audit "
                    "WHERE room = :'room' AND action = 'affiliation' ORDER BY id", room=room)
    assert audit == [
        {"actor": "alice@localhost", "action": "affiliation", "target": "carol@localhost",
         "old_value": "none", "new_value": "member", "reason": MEMBER_REASON, "room_live": True,
         "has_time": True},
        {"actor": "alice@localhost", "action": "affiliation", "target": "eve@localhost",
         "old_value": "none", "new_value": "outcast", "reason": BAN_REASON, "room_live": True,
         "has_time": True},
    ], audit

    # Which rooms are members-only (and the rest of this room's row).
    rooms = env.sql("SELECT room, name, members_only, persistent, enable_logging, subject, "
                    "subject_nick, creator FROM muc_rooms WHERE room = :'room'", room=room)
    assert rooms == [{"room": room, "name": ROOM_NAME, "members_only": True, "persistent": True,
                      "enable_logging": True, "subject": SUBJECT, "subject_nick": "Alice",
                      "creator": "alice@localhost"}], rooms
    members_only = env.sql("SELECT room FROM muc_rooms WHERE members_only AND room = :'room'",
                           room=room)
    assert members_only == [{"room": room}], members_only

    # Members, admins and owners.
    members = env.sql("SELECT jid, affiliation FROM muc_members WHERE room = :'room' ORDER BY jid",
                      room=room)
    assert members == [{"jid": "alice@localhost", "affiliation": "owner"},
                       {"jid": "carol@localhost", "affiliation": "member"}], members

    # What was said, and the subject change before it (archived since migration 0011: its
    # own row, `subject` set and no body; README "muc_messages").
    messages = env.sql("SELECT room, sender_nick, sender_jid, message_id, body, subject, "
                       "room_live FROM muc_messages WHERE room = :'room' ORDER BY sent_at, id",
                       room=room)
    assert messages == [{"room": room, "sender_nick": "Alice", "sender_jid": "alice@localhost",
                         "message_id": subject_id, "body": None, "subject": SUBJECT,
                         "room_live": True},
                        {"room": room, "sender_nick": "Alice", "sender_jid": "alice@localhost",
                         "message_id": mid, "body": BODY, "subject": None,
                         "room_live": True}], messages
