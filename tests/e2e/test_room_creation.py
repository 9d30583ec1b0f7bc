"""XEP-0045 10.1 (creating a room): 10.1.1 general, 10.1.2 instant room, 7.2.1 locked room."""
from harness.muc import enter, join, self_presence, submit_config
from harness.stanza import join_xml, new_id


async def test_creator_is_owner_moderator_with_201_and_110(muc):
    alice = await muc.client("alice")
    room = muc.room()
    pres = await enter(alice, f"{room}/Alice")
    assert pres.type is None, pres
    assert pres.frm == f"{room}/Alice", pres
    assert {201, 110} <= pres.statuses, pres
    assert pres.item.get("affiliation") == "owner", pres
    assert pres.item.get("role") == "moderator", pres


async def test_locked_room_refuses_others_until_instant_config_then_admits_them(muc):
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room()
    pres = await enter(alice, f"{room}/Alice")
    assert 201 in pres.statuses, pres

    # 10.1.1 / 7.2.1: until the owner configures it, the room is locked.
    jid = new_id("join")
    err = await bob.request(join_xml(f"{room}/Bob", jid))
    assert err.type == "error", err
    assert err.error == ("cancel", "item-not-found"), err
    assert err.frm == f"{room}/Bob", err

    # 10.1.2: instant room = muc#owner query with an empty data form of type submit.
    reply = await submit_config(alice, room)
    assert reply.type == "result", reply
    assert reply.frm == room, reply

    got = await join(bob, f"{room}/Bob")
    mine = [s for s in got if self_presence(room)(s)]
    assert len(mine) == 1, got
    assert mine[0].frm == f"{room}/Bob"
    assert 201 not in mine[0].statuses, mine[0]
    assert mine[0].item.get("affiliation") == "none", mine[0]
    assert mine[0].item.get("role") == "participant", mine[0]
