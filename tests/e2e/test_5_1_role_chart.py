"""XEP-0045 5.1 role chart and 8.4 / 9.7, where the XEP is read against itself: a moderator
without affiliation silences participants but kicks no moderator, and nobody demotes an
occupant of higher affiliation."""
from harness.muc import admin_item, admin_set


async def _room_with_moderators(muc, *moderators):
    room, clients = await muc.occupied_room("alice", "bob", "carol")
    for nick in moderators:
        reply = await admin_set(clients[0], room, admin_item(nick=nick, role="moderator"))
        assert reply.type == "result", reply
    return room, clients


async def test_moderator_without_affiliation_revokes_voice_from_a_participant(muc):
    room, (_, bob, _) = await _room_with_moderators(muc, "Bob")
    reply = await admin_set(bob, room, admin_item(nick="Carol", role="visitor"))
    assert reply.type == "result", reply


async def test_moderator_without_affiliation_cannot_kick_another_moderator(muc):
    room, (_, bob, _) = await _room_with_moderators(muc, "Bob", "Carol")
    reply = await admin_set(bob, room, admin_item(nick="Carol", role="none"))
    assert reply.error == ("cancel", "not-allowed"), reply


async def test_moderator_cannot_revoke_moderation_from_the_owner(muc):
    room, (_, bob, _) = await _room_with_moderators(muc, "Bob")
    reply = await admin_set(bob, room, admin_item(nick="Alice", role="participant"))
    assert reply.error == ("cancel", "not-allowed"), reply
