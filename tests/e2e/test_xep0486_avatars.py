"""XEP-0486 room avatars through Prosody, with raw stanzas (slixmpp's vCard plugin addresses
accounts): an owner sets the room's vCard-temp, occupants are told with 104, anyone reads
the hash in disco#info and the vCard on the room's JID, and both survive a restart."""
import base64
import hashlib

import pytest

from harness.env import persistence_skip_reason
from harness.muc import create_room, join, room_status_message
from harness.stanza import NS_DISCO_INFO, q

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

VCARD = "vcard-temp"
DATA = "jabber:x:data"
IMAGE = b"\x89PNG\r\n\x1a\n pretend this is a small image"
PHOTO = (f"<vCard xmlns='{VCARD}'><PHOTO><TYPE>image/png</TYPE>"
         f"<BINVAL>{base64.b64encode(IMAGE).decode()}</BINVAL></PHOTO></vCard>")
HASH = hashlib.sha1(IMAGE).hexdigest()


async def avatar_hashes(client, room):
    info = await client.disco_info(room)
    assert info.type == "result", info
    for field in info.findall(f"{q(NS_DISCO_INFO, 'query')}/{q(DATA, 'x')}/{q(DATA, 'field')}"):
        if field.get("var") == "muc#roominfo_avatarhash":
            return [v.text for v in field.findall(q(DATA, "value"))]
    return []


async def test_owner_sets_the_room_avatar_and_everyone_can_read_it(muc):
    alice, bob, carol = await muc.clients("alice", "bob", "carol")
    room = muc.room("avatar")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    await join(bob, f"{room}/Bob")
    alice.drain()
    assert await avatar_hashes(carol, room) == []

    reply = await bob.iq(room, "set", PHOTO)
    assert reply.error == ("auth", "forbidden"), reply
    reply = await alice.iq(room, "set", PHOTO)
    assert reply.type == "result", reply
    await bob.expect(room_status_message(room, 104), "104 on the avatar change")
    assert await avatar_hashes(carol, room) == [HASH]
    got = await carol.iq(room, "get", f"<vCard xmlns='{VCARD}'/>")
    binval = got.xml.find(f"{q(VCARD, 'vCard')}/{q(VCARD, 'PHOTO')}/{q(VCARD, 'BINVAL')}")
    assert base64.b64decode(binval.text) == IMAGE, got

    rows = muc.env.sql("SELECT set_by, array_to_string(avatar_hashes, ',') AS hashes "
                       "FROM muc_room_avatars WHERE room = :'room'", room=room)
    assert rows == [{"set_by": "alice@localhost", "hashes": HASH}], rows

    status = await muc.env.restart_component()
    assert status == 0, f"component exit status {status}"
    assert await avatar_hashes(carol, room) == [HASH]

    await join(alice, f"{room}/Alice")
    reply = await alice.iq(room, "set", f"<vCard xmlns='{VCARD}'/>")
    assert reply.type == "result", reply
    assert await avatar_hashes(carol, room) == []
    got = await carol.iq(room, "get", f"<vCard xmlns='{VCARD}'/>")
    assert got.type == "result" and list(got.child(VCARD, "vCard")) == [], got
