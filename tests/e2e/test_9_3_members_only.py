"""XEP-0045 7.2.6 (members-only room: registration-required), 9.3 (granting membership)
and 10.2 (converting a room to members-only removes non-members with 322; 104), and 9.5
(members read the member list where they see real JIDs)."""
from harness.muc import (admin_get, admin_item, admin_items, admin_set, create_room, enter,
                         presence_from, room_status_message, submit_config)


async def test_non_member_join_to_members_only_room_is_registration_required(muc):
    alice, carol = await muc.clients("alice", "carol")
    room = muc.room("membersonly")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_membersonly": "1"})
    err = await enter(carol, f"{room}/Carol")
    assert err.type == "error", err
    assert err.error == ("auth", "registration-required"), err
    assert err.frm == f"{room}/Carol", err


async def test_granted_member_may_join_members_only_room_as_participant(muc):
    alice, carol = await muc.clients("alice", "carol")
    room = muc.room("membersonly")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_membersonly": "1"})
    reply = await admin_set(alice, room, admin_item(jid="carol@localhost", affiliation="member"))
    assert reply.type == "result", reply
    mine = await enter(carol, f"{room}/Carol")
    assert mine.type is None, mine
    assert mine.item.get("affiliation") == "member", mine
    assert mine.item.get("role") == "participant", mine


async def test_going_members_only_removes_non_members_with_322_and_announces_104(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    reply = await submit_config(alice, room, {"muc#roomconfig_membersonly": "1"})
    assert reply.type == "result", reply
    mine = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's removal")
    assert {110, 322} <= mine.statuses, mine
    assert mine.item.get("role") == "none", mine
    assert mine.item.get("affiliation") == "none", mine
    theirs = await alice.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's removal (alice)")
    assert 322 in theirs.statuses, theirs
    assert 110 not in theirs.statuses, theirs
    await alice.expect(room_status_message(room, 104), "the 104 config-change message")


async def members_only_room_with_member(muc, whois: str):
    alice, carol = await muc.clients("alice", "carol")
    room = muc.room("memberlist")
    await create_room(alice, f"{room}/Alice",
                      {"muc#roomconfig_membersonly": "1", "muc#roomconfig_whois": whois})
    reply = await admin_set(alice, room, admin_item(jid="carol@localhost", affiliation="member"))
    assert reply.type == "result", reply
    mine = await enter(carol, f"{room}/Carol")
    assert mine.type is None, mine
    return room, carol


async def test_member_reads_the_member_list_of_a_non_anonymous_members_only_room(muc):
    # XEP-0045 5.2.1 ("Retrieve Member List": members yes) and 9.5: clients need the list
    # for OMEMO and to show absent members; getmemberlist lets participants by default.
    room, carol = await members_only_room_with_member(muc, "anyone")
    reply = await admin_get(carol, room, affiliation="member")
    assert reply.type == "result", reply
    assert [(i["jid"], i["affiliation"]) for i in admin_items(reply)] == [
        ("carol@localhost", "member")], reply


async def test_member_may_not_read_the_member_list_of_a_semi_anonymous_room(muc):
    # 5.2.1's note: the list carries real JIDs, which a semi-anonymous room hides from
    # participants.
    room, carol = await members_only_room_with_member(muc, "moderators")
    reply = await admin_get(carol, room, affiliation="member")
    assert reply.error == ("auth", "forbidden"), reply
