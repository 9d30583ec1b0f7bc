"""XEP-0045 8.3 / 8.4 (granting and revoking voice) in a moderated room
(muc#roomconfig_moderatedroom), 7.4 (a visitor may not speak: auth/forbidden)."""
from harness.muc import (admin_item, admin_set, create_room, enter, groupchat_from,
                         presence_from, self_presence)
from harness.stanza import new_id


async def moderated_room(muc):
    """Alice owns a moderated room; Bob joined it (as a visitor). Pending stanzas consumed."""
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("moderated")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_moderatedroom": "1"})
    mine = await enter(bob, f"{room}/Bob")
    assert mine.type is None, mine
    await alice.expect(presence_from(f"{room}/Bob"), "bob's join (alice)")
    await bob.barrier(room)
    await alice.barrier(room)
    bob.drain()
    alice.drain()
    return room, alice, bob, mine


async def speak(muc, room, speaker, body):
    """Sends a groupchat message; returns the error the room answered, or None."""
    mid = new_id("msg")
    speaker.send(f"<message type='groupchat' to='{room}' id='{mid}'><body>{body}</body></message>")
    got = await speaker.expect(lambda s: s.is_message and s.id == mid,
                               f"the reflection of, or the error to, {mid}")
    return got if got.type == "error" else None


async def test_newcomer_in_moderated_room_is_visitor(muc):
    room, alice, bob, mine = await moderated_room(muc)
    assert 110 in mine.statuses, mine
    assert mine.item.get("role") == "visitor", mine
    assert mine.item.get("affiliation") == "none", mine


async def test_visitor_groupchat_is_forbidden_and_not_reflected(muc):
    room, alice, bob, _ = await moderated_room(muc)
    err = await speak(muc, room, bob, "may I?")
    assert err is not None, "a visitor's groupchat message was reflected"
    assert err.error == ("auth", "forbidden"), err
    assert err.frm == room, err
    await alice.barrier(room)
    assert not alice.take(lambda s: s.is_message and s.body == "may I?")


async def test_moderator_grants_voice_then_visitor_message_goes_through(muc):
    room, alice, bob, _ = await moderated_room(muc)
    reply = await admin_set(alice, room, admin_item(nick="Bob", role="participant", reason="speak"))
    assert reply.type == "result", reply
    for c in (alice, bob):
        p = await c.expect(presence_from(f"{room}/Bob"), f"bob's voice presence ({c.name})")
        assert p.item.get("role") == "participant", p
        assert p.item.get("affiliation") == "none", p
    err = await speak(muc, room, bob, "thank you")
    assert err is None, err
    m = await alice.expect(groupchat_from(f"{room}/Bob", "thank you"), "bob's message (alice)")
    assert m.type == "groupchat", m


async def test_moderator_revokes_voice_participant_becomes_visitor(muc):
    room, alice, bob, _ = await moderated_room(muc)
    reply = await admin_set(alice, room, admin_item(nick="Bob", role="participant"))
    assert reply.type == "result", reply
    await bob.expect(self_presence(room), "bob's voice presence")
    await alice.expect(presence_from(f"{room}/Bob"), "bob's voice presence (alice)")

    reply = await admin_set(alice, room, admin_item(nick="Bob", role="visitor", reason="hush"))
    assert reply.type == "result", reply
    mine = await bob.expect(self_presence(room), "bob's revoked-voice presence")
    assert mine.type is None, mine
    assert mine.item.get("role") == "visitor", mine
    theirs = await alice.expect(presence_from(f"{room}/Bob"), "bob's revoked-voice presence (alice)")
    assert theirs.item.get("role") == "visitor", theirs
    err = await speak(muc, room, bob, "still here")
    assert err is not None and err.error == ("auth", "forbidden"), err
