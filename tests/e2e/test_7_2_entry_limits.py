"""XEP-0045 7.2.5 (password-protected room: auth/not-authorized) and 7.2.9 (room full:
wait/service-unavailable, but admins and owners still get in)."""
from harness.muc import admin_item, admin_set, create_room, enter, join, presence_from

SECRET = "cauldronburn"


async def password_room(muc):
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("secret")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_passwordprotectedroom": "1",
                                               "muc#roomconfig_roomsecret": SECRET})
    return room, alice, bob


async def test_join_without_password_is_not_authorized(muc):
    room, alice, bob = await password_room(muc)
    err = await enter(bob, f"{room}/Bob")
    assert err.type == "error", err
    assert err.error == ("auth", "not-authorized"), err
    assert err.frm == f"{room}/Bob", err


async def test_join_with_wrong_password_is_not_authorized(muc):
    room, alice, bob = await password_room(muc)
    err = await enter(bob, f"{room}/Bob", password="cauldronburnt")
    assert err.type == "error", err
    assert err.error == ("auth", "not-authorized"), err


async def test_join_with_right_password_enters(muc):
    room, alice, bob = await password_room(muc)
    mine = await enter(bob, f"{room}/Bob", password=SECRET)
    assert mine.type is None, mine
    assert 110 in mine.statuses, mine
    assert mine.item.get("role") == "participant", mine
    await alice.expect(presence_from(f"{room}/Bob"), "bob's join (alice)")


async def full_room(muc):
    alice, bob, carol = await muc.clients("alice", "bob", "carol")
    room = muc.room("full")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_maxusers": "2"})
    await join(bob, f"{room}/Bob")
    await alice.expect(presence_from(f"{room}/Bob"), "bob's join (alice)")
    return room, alice, bob, carol


async def test_join_to_full_room_is_service_unavailable(muc):
    room, alice, bob, carol = await full_room(muc)
    err = await enter(carol, f"{room}/Carol")
    assert err.type == "error", err
    assert err.error == ("wait", "service-unavailable"), err
    assert err.frm == f"{room}/Carol", err


async def test_admin_still_enters_full_room(muc):
    room, alice, bob, carol = await full_room(muc)
    reply = await admin_set(alice, room, admin_item(jid="carol@localhost", affiliation="admin"))
    assert reply.type == "result", reply
    mine = await enter(carol, f"{room}/Carol")
    assert mine.type is None, mine
    assert mine.item.get("affiliation") == "admin", mine
    assert mine.item.get("role") == "moderator", mine
