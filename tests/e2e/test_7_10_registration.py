"""XEP-0045 7.10 (registering with a room: jabber:iq:register form with
muc#register_roomnick), 7.2.9 (a registered nick is taken: cancel/conflict) and 7.12
(discovering the reserved nick: disco#info node='x-roomuser-item')."""
from harness.muc import enter, form_values
from harness.stanza import NS_DATA, NS_DISCO_INFO, data_form_submit, q

NS_REGISTER = "jabber:iq:register"
NS_MUC_REGISTER = "http://jabber.org/protocol/muc#register"


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


async def test_registered_nick_is_refused_to_others_with_conflict(muc):
    room, (alice,) = await muc.occupied_room("alice")
    bob, carol = await muc.clients("bob", "carol")
    reply = await register(bob, room, "Robert")
    assert reply.type == "result", reply
    err = await enter(carol, f"{room}/Robert")
    assert err.type == "error", err
    assert err.error == ("cancel", "conflict"), err
    assert err.frm == f"{room}/Robert", err


async def test_reserved_nick_discovery_names_the_registered_nick(muc):
    room, (alice,) = await muc.occupied_room("alice")
    bob = await muc.client("bob")
    reply = await register(bob, room, "Robert")
    assert reply.type == "result", reply
    info = await bob.disco_info(room, node="x-roomuser-item")
    assert info.type == "result", info
    query = info.find(q(NS_DISCO_INFO, "query"))
    assert query is not None and query.get("node") == "x-roomuser-item", info
    ids = [dict(i.attrib) for i in query.findall(q(NS_DISCO_INFO, "identity"))]
    assert ids == [{"category": "conference", "name": "Robert", "type": "text"}], info
