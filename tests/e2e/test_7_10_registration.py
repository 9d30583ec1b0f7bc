"""XEP-0045 7.10 (registering with a room: jabber:iq:register form with
muc#register_roomnick), 7.2.9 (a registered nick is taken: cancel/conflict) and 7.12
(discovering the reserved nick: disco#info node='x-roomuser-item').

Registration by users without affiliation is the room option
x-muc#roomconfig_allowregister, off by default (7.10 lets a service restrict it; Prosody
refuses it by default with auth/registration-required)."""
from harness.muc import admin_get, admin_items, enter, form_values, submit_config
from harness.stanza import NS_DATA, NS_DISCO_INFO, data_form_submit, q

NS_REGISTER = "jabber:iq:register"
NS_MUC_REGISTER = "http://jabber.org/protocol/muc#register"
ALLOW_REGISTER = {"x-muc#roomconfig_allowregister": "1"}


async def open_registration(muc):
    room, (alice,) = await muc.occupied_room("alice")
    reply = await submit_config(alice, room, ALLOW_REGISTER)
    assert reply.type == "result", reply
    alice.take(lambda s: True)
    return room, alice


async def register(client, room, nick):
    form = await client.iq(room, "get", f"<query xmlns='{NS_REGISTER}'/>")
    assert form.type == "result", form
    x = form.find(f"{q(NS_REGISTER, 'query')}/{q(NS_DATA, 'x')}")
    assert x is not None and x.get("type") == "form", form
    values = form_values(x)
    assert values.get("FORM_TYPE") == [NS_MUC_REGISTER], form
    assert "muc#register_roomnick" in values, form
    submit = data_form_submit(NS_MUC_REGISTER, {"muc#register_roomnick": nick})
    return await client.iq(room, "set", f"<query xmlns='{NS_REGISTER}'>{submit}</query>")


async def test_unaffiliated_user_is_refused_registration_by_default(muc):
    room, (alice,) = await muc.occupied_room("alice")
    bob = await muc.client("bob")
    form = await bob.iq(room, "get", f"<query xmlns='{NS_REGISTER}'/>")
    assert form.error == ("auth", "registration-required"), form
    submit = data_form_submit(NS_MUC_REGISTER, {"muc#register_roomnick": "Robert"})
    reply = await bob.iq(room, "set", f"<query xmlns='{NS_REGISTER}'>{submit}</query>")
    assert reply.error == ("auth", "registration-required"), reply


async def test_registration_where_the_room_allows_it_makes_a_member(muc):
    room, alice = await open_registration(muc)
    bob = await muc.client("bob")
    reply = await register(bob, room, "Robert")
    assert reply.type == "result", reply
    members = admin_items(await admin_get(alice, room, affiliation="member"))
    assert [m["jid"] for m in members] == [bob.jid.split("/")[0]], members


async def test_registered_nick_is_refused_to_others_with_conflict(muc):
    room, alice = await open_registration(muc)
    bob, carol = await muc.clients("bob", "carol")
    reply = await register(bob, room, "Robert")
    assert reply.type == "result", reply
    err = await enter(carol, f"{room}/Robert")
    assert err.type == "error", err
    assert err.error == ("cancel", "conflict"), err
    assert err.frm == f"{room}/Robert", err


async def test_reserved_nick_discovery_names_the_registered_nick(muc):
    room, alice = await open_registration(muc)
    bob = await muc.client("bob")
    reply = await register(bob, room, "Robert")
    assert reply.type == "result", reply
    info = await bob.disco_info(room, node="x-roomuser-item")
    assert info.type == "result", info
    query = info.find(q(NS_DISCO_INFO, "query"))
    assert query is not None and query.get("node") == "x-roomuser-item", info
    ids = [dict(i.attrib) for i in query.findall(q(NS_DISCO_INFO, "identity"))]
    assert ids == [{"category": "conference", "name": "Robert", "type": "text"}], info
