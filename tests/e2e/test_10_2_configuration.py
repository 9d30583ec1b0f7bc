"""XEP-0045 10.2 (subsequent room configuration): a non-privacy change is announced with
status 104 from the room's bare JID, the stored form reflects it, and an invalid value is
modify/bad-request with nothing changed."""
from harness.muc import form_values, get_config, room_status_message, submit_config
from harness.stanza import NS_MUC_OWNER, q

ROOMNAME = "muc#roomconfig_roomname"


async def config_of(client, room):
    got = await get_config(client, room)
    assert got.type == "result", got
    form = got.find(f"{q(NS_MUC_OWNER, 'query')}")
    values = form_values(form)
    assert values.get("FORM_TYPE") == ["http://jabber.org/protocol/muc#roomconfig"], got
    return values


async def test_roomname_change_announces_104_to_occupants(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await submit_config(alice, room, {ROOMNAME: "A Dark Cave"})
    assert reply.type == "result", reply
    for c in (alice, bob):
        m = await c.expect(room_status_message(room, 104), f"the 104 message ({c.name})")
        assert m.type == "groupchat", m
        assert m.frm == room, m


async def test_config_form_returns_the_new_roomname(muc):
    room, (alice,) = await muc.occupied_room("alice")
    reply = await submit_config(alice, room, {ROOMNAME: "A Dark Cave"})
    assert reply.type == "result", reply
    values = await config_of(alice, room)
    assert values.get(ROOMNAME) == ["A Dark Cave"], values


async def test_non_numeric_maxusers_is_bad_request_and_changes_nothing(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    before = await config_of(alice, room)
    reply = await submit_config(alice, room, {ROOMNAME: "Renamed", "muc#roomconfig_maxusers": "abc"})
    assert reply.type == "error", reply
    assert reply.error == ("modify", "bad-request"), reply
    after = await config_of(alice, room)
    assert after == before, (before, after)
    await bob.barrier(room)
    assert not bob.take(room_status_message(room, 104))


async def test_negative_historylength_is_bad_request_and_changes_nothing(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    before = await config_of(alice, room)
    reply = await submit_config(alice, room, {ROOMNAME: "Renamed",
                                              "muc#roomconfig_historylength": "-1"})
    assert reply.type == "error", reply
    assert reply.error == ("modify", "bad-request"), reply
    after = await config_of(alice, room)
    assert after == before, (before, after)
    await bob.barrier(room)
    assert not bob.take(room_status_message(room, 104))
