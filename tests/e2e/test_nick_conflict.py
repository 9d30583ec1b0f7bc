"""XEP-0045 7.2.9 (nickname conflict) and 7.2 multi-session: the same bare JID may share
its nick from another resource."""
from harness.muc import join, self_presence
from harness.stanza import join_xml, new_id


async def test_taking_an_occupied_nick_is_cancel_conflict(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    carol = await muc.client("carol")
    jid = new_id("join")
    err = await carol.request(join_xml(f"{room}/Bob", jid))
    assert err.type == "error", err
    assert err.error == ("cancel", "conflict"), err
    assert err.frm == f"{room}/Bob", err


async def test_second_resource_of_same_bare_jid_may_share_the_nick(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    alice2 = await muc.client("alice")
    assert alice2.jid != alice.jid
    got = await join(alice2, f"{room}/Alice")
    mine = [s for s in got if self_presence(room)(s)]
    assert len(mine) == 1, got
    assert mine[0].frm == f"{room}/Alice", mine[0]
    assert mine[0].type is None, mine[0]
    assert mine[0].item.get("affiliation") == "owner", mine[0]
