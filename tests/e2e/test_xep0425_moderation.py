"""XEP-0425 (a moderator retracts a message) and XEP-0424 (an author retracts their own),
through Prosody, with raw stanzas: Debian's slixmpp speaks only the older
urn:xmpp:message-moderate:0 (with fastening). A retraction is broadcast from the room once
the archive holds the tombstone; the archive (XEP-0313) and the history serve the tombstone,
not the message; operators read who retracted what, when and why in muc_messages and
muc_audit."""
import pytest

from harness.env import persistence_skip_reason
from harness.muc import create_room, groupchat_from, join
from harness.stanza import new_id, q

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

MAM = "urn:xmpp:mam:2"
SID = "urn:xmpp:sid:0"
FORWARD = "urn:xmpp:forward:0"
RETRACT = "urn:xmpp:message-retract:1"
MODERATE = "urn:xmpp:message-moderate:1"
CLIENT = "jabber:client"


async def say(client, room, nick, body):
    client.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>{body}</body></message>")
    got = await client.expect(groupchat_from(f"{room}/{nick}", body), f"reflection of {body}")
    return got.child(SID, "stanza-id").get("id")


def moderate(room, stanza_id, reason="Spam"):
    return (f"<moderate xmlns='{MODERATE}' id='{stanza_id}'><retract xmlns='{RETRACT}'/>"
            f"<reason>{reason}</reason></moderate>")


def retraction_of(room, stanza_id):
    def pred(s):
        r = s.child(RETRACT, "retract")
        return s.is_message and s.get("from") == room and r is not None and r.get("id") == stanza_id
    return pred


async def archive(client, room):
    qid = new_id("q")
    reply = await client.iq(room, "set", f"<query xmlns='{MAM}' queryid='{qid}'/>")
    assert reply.type == "result", reply
    results = client.take(lambda s: s.is_message and s.find(f"{q(MAM, 'result')}[@queryid='{qid}']") is not None)
    return [m.find(f"{q(MAM, 'result')}/{q(FORWARD, 'forwarded')}/{q(CLIENT, 'message')}") for m in results]


async def test_moderator_retraction_is_broadcast_archived_and_tombstoned(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    spam = await say(bob, room, "Bob", "buy potions")
    await alice.expect(groupchat_from(f"{room}/Bob", "buy potions"), "the spam")
    reply = await alice.iq(room, "set", moderate(room, spam))
    assert reply.type == "result", reply
    for client in (alice, bob):
        got = await client.expect(retraction_of(room, spam), "the retraction")
        moderated = got.xml.find(f"{q(RETRACT, 'retract')}/{q(MODERATE, 'moderated')}")
        assert moderated is not None and moderated.get("by") == f"{room}/Alice", got
        assert got.xml.find(f"{q(RETRACT, 'retract')}/{q(RETRACT, 'reason')}").text == "Spam", got
        assert got.child(SID, "stanza-id") is not None, got  # archived, so it has an id

    messages = await archive(bob, room)
    assert len(messages) == 2, messages  # the tombstone, then the retraction
    tombstone = messages[0]
    assert tombstone.find(q(CLIENT, "body")) is None
    assert tombstone.find(f"{q(SID, 'stanza-id')}").get("id") == spam
    retracted = tombstone.find(q(RETRACT, "retracted"))
    assert retracted is not None and retracted.get("stamp"), tombstone
    assert retracted.find(q(MODERATE, "moderated")).get("by") == f"{room}/Alice"
    assert messages[1].find(q(RETRACT, "retract")).get("id") == spam

    rows = muc.env.sql("SELECT body IS NULL AS gone, retracted_by, retract_reason, "
                       "retracted_at IS NOT NULL AS stamped FROM muc_messages "
                       "WHERE room = :'room' AND stanza_id = :'sid'", room=room, sid=spam)
    assert rows == [{"gone": True, "retracted_by": "alice@localhost", "retract_reason": "Spam",
                     "stamped": True}], rows
    # The README's query, as written there (other tests' rooms filtered out here).
    removed = muc.env.sql("SELECT room, sender_jid, retracted_by, retracted_at, retract_reason "
                          "FROM muc_messages WHERE retracted_at >= date_trunc('month', now()) "
                          "AND retracted_by <> sender_jid ORDER BY retracted_at")
    assert [(r["sender_jid"], r["retracted_by"], r["retract_reason"]) for r in removed
            if r["room"] == room] == [("bob@localhost", "alice@localhost", "Spam")], removed
    audit = muc.env.sql("SELECT actor, target, new_value, reason FROM muc_audit "
                        "WHERE room = :'room' AND action = 'retract'", room=room)
    assert audit == [{"actor": "alice@localhost", "target": "bob@localhost", "new_value": spam,
                      "reason": "Spam"}], audit


async def test_participant_cannot_moderate_and_unknown_ids_are_not_found(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    mine = await say(alice, room, "Alice", "hello")
    reply = await bob.iq(room, "set", moderate(room, mine))
    assert reply.error == ("auth", "forbidden"), reply
    reply = await alice.iq(room, "set", moderate(room, "no-such-id"))
    assert reply.error == ("cancel", "item-not-found"), reply


async def test_author_retracts_their_own_message_but_not_anothers(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    mine = await say(bob, room, "Bob", "oops")
    theirs = await say(alice, room, "Alice", "fine")
    bob.send(f"<message type='groupchat' to='{room}' id='{new_id('r')}'><retract xmlns='{RETRACT}' "
             f"id='{theirs}'/><body>retracted</body></message>")
    refused = await bob.expect(lambda s: s.is_message and s.type == "error", "the refusal")
    assert refused.error == ("auth", "forbidden"), refused
    rid = new_id("r")
    bob.send(f"<message type='groupchat' to='{room}' id='{rid}'><retract xmlns='{RETRACT}' "
             f"id='{mine}'/><body>retracted</body></message>")
    got = await alice.expect(groupchat_from(f"{room}/Bob", "retracted"), "bob's retraction")
    assert got.child(RETRACT, "retract").get("id") == mine
    rows = muc.env.sql("SELECT stanza_id, body IS NULL AS gone, retracted_by FROM muc_messages "
                       "WHERE room = :'room' AND retracted_at IS NOT NULL", room=room)
    assert rows == [{"stanza_id": mine, "gone": True, "retracted_by": "bob@localhost"}], rows


async def test_history_serves_the_tombstone_also_after_a_restart(muc):
    alice, bob, carol = await muc.clients("alice", "bob", "carol")
    room = muc.room("tomb")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    secret = await say(alice, room, "Alice", "my password is hunter2")
    reply = await alice.iq(room, "set", moderate(room, secret, "Leaked"))
    assert reply.type == "result", reply
    got = await join(bob, f"{room}/Bob")
    assert not [s for s in got if s.body == "my password is hunter2"], got
    assert [s for s in got if s.child(RETRACT, "retracted") is not None], got
    status = await muc.env.restart_component()
    assert status == 0, f"component exit status {status}"
    got = await join(carol, f"{room}/Carol")
    assert not [s for s in got if s.body == "my password is hunter2"], got
    assert [s for s in got if s.child(RETRACT, "retracted") is not None], got
