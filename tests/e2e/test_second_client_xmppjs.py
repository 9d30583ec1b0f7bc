"""A second client library: xmpp.js (@xmpp/client, Node.js, tests/e2e/js/xmppjs-driver.js)
creates a room, talks with slixmpp occupants, kicks one and bans another.

XEP-0045 7.2.2/7.2.3 (presence on entering, 110, 201 on creation), 10.1.2 (instant room),
7.4 (groupchat to all occupants, the sender's own copy), 8.2 (kick: 307, role none), 9.1 (ban: 301, affiliation outcast, role
none; the banned user cannot enter again: auth/forbidden), 9.2 (the ban list).
XEP-0359 (stanza-id by the room, the same in every copy).
"""
import contextlib
import uuid

from harness.muc import enter, groupchat_from, join, muc_user_child, presence_from
from harness.node import XmppJsClient, c2s_port
from harness.stanza import NS_MUC_ADMIN, Stanza, q

NS_SID = "urn:xmpp:sid:0"


@contextlib.asynccontextmanager
async def xmppjs(muc, name):
    tag = uuid.uuid4().hex[:6]
    c = XmppJsClient(name, c2s_port(muc.env),
                     muc.env.workdir / f"xmppjs-{name}-{tag}.log", resource=f"xmppjs-{tag}")
    try:
        await c.start()
        yield c
    finally:
        await c.close()


def stanza_id(s: Stanza, room: str) -> str:
    ids = [e for e in s.findall(q(NS_SID, "stanza-id")) if e.get("by") == room]
    assert len(ids) == 1, f"expected one stanza-id by {room}: {s}"
    assert ids[0].get("id"), s
    return ids[0].get("id")


def reason(s: Stanza):
    el = muc_user_child(s, "item", "reason")
    return None if el is None else el.text


async def test_xmppjs_owner_talks_with_and_kicks_and_bans_slixmpp_occupants(muc):
    room = muc.room()
    async with xmppjs(muc, "alice") as alice:
        assert alice.jid.startswith("alice@localhost/xmppjs-"), alice.jid

        # Creating (10.1.1): the self-presence echoes the join's id, with 110 and 201.
        me = await alice.op("join", room=room, nick="Alice", stanza_id="xmppjs-join-1")
        assert me.is_presence and me.type is None, me
        assert me.frm == f"{room}/Alice" and me.to == alice.jid, me
        assert me.id == "xmppjs-join-1", me
        assert {110, 201} <= me.statuses, me
        assert me.item == {"affiliation": "owner", "role": "moderator", "jid": alice.jid}, me
        reply = await alice.op("instant", room=room)
        assert reply.is_iq and reply.type == "result" and reply.frm == room, reply

        # A slixmpp occupant enters and sees the xmpp.js one; and the reverse.
        bob, carol = await muc.clients("bob", "carol")
        seq = await join(bob, f"{room}/Bob")
        owner = [s for s in seq if s.is_presence and s.frm == f"{room}/Alice"]
        assert len(owner) == 1, seq
        assert owner[0].item == {"affiliation": "owner", "role": "moderator"}, owner[0]
        seen = await alice.expect(presence_from(f"{room}/Bob"), "bob's presence")
        assert seen.statuses == set(), seen
        # alice is a moderator: she sees bob's real JID (semi-anonymous room, 7.2.4).
        assert seen.item == {"affiliation": "none", "role": "participant", "jid": bob.jid}, seen

        # xmpp.js -> room: bob gets it, alice gets her own copy (same id and stanza-id).
        mine = await alice.op("groupchat", room=room, nick="Alice", body="hello from xmpp.js",
                              stanza_id="xmppjs-msg-1")
        assert mine.type == "groupchat" and mine.to == alice.jid, mine
        assert mine.id == "xmppjs-msg-1" and mine.body == "hello from xmpp.js", mine
        sid = stanza_id(mine, room)
        got = await bob.expect(groupchat_from(f"{room}/Alice", "hello from xmpp.js"),
                               "alice's message")
        assert got.to == bob.jid and got.id == "xmppjs-msg-1", got
        assert stanza_id(got, room) == sid, got
        assert got.delay is None, got

        # slixmpp -> room: the xmpp.js client gets it.
        bob.send(f"<message to='{room}' type='groupchat' id='bob-1'><body>hi xmpp.js</body></message>")
        heard = await alice.expect(groupchat_from(f"{room}/Bob", "hi xmpp.js"), "bob's message")
        assert heard.to == alice.jid and heard.id == "bob-1", heard
        assert stanza_id(heard, room) != sid, heard

        # Kick (8.2): bob's own exit has 110 and 307; the others see 307 (real JID: moderators only).
        await join(carol, f"{room}/Carol")
        await alice.expect(presence_from(f"{room}/Carol"), "carol's presence")
        await bob.expect(presence_from(f"{room}/Carol"), "carol's presence, at bob")
        result = await alice.op("kick", room=room, nick="Bob", reason="kicked by xmpp.js")
        assert result.type == "result" and result.frm == room, result
        out = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick")
        assert out.statuses == {110, 307}, out
        assert out.item.get("role") == "none" and out.item.get("affiliation") == "none", out
        assert reason(out) == "kicked by xmpp.js", out
        told = await alice.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick, at alice")
        assert told.statuses == {307}, told
        assert told.item.get("role") == "none" and told.item.get("affiliation") == "none", told
        assert reason(told) == "kicked by xmpp.js", told
        at_carol = await carol.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick, at carol")
        assert at_carol.statuses == {307} and "jid" not in at_carol.item, at_carol

        # Ban (9.1): by bare JID; carol's exit has 110 and 301, affiliation outcast.
        result = await alice.op("ban", room=room, jid="carol@localhost", reason="banned by xmpp.js")
        assert result.type == "result" and result.frm == room, result
        out = await carol.expect(presence_from(f"{room}/Carol", "unavailable"), "carol's ban")
        assert out.statuses == {110, 301}, out
        assert out.item.get("role") == "none" and out.item.get("affiliation") == "outcast", out
        assert reason(out) == "banned by xmpp.js", out
        told = await alice.expect(presence_from(f"{room}/Carol", "unavailable"), "carol's ban, at alice")
        assert told.statuses == {301}, told
        assert told.item.get("role") == "none" and told.item.get("affiliation") == "outcast", told
        assert reason(told) == "banned by xmpp.js", told

        # The ban list (9.2) and the ban itself (7.2.7).
        lst = await alice.op("outcasts", room=room)
        items = [dict(i.attrib) for i in lst.findall(f"{q(NS_MUC_ADMIN, 'query')}/{q(NS_MUC_ADMIN, 'item')}")]
        assert items == [{"affiliation": "outcast", "jid": "carol@localhost"}], lst
        again = await enter(carol, f"{room}/Carol")
        assert again.error == ("auth", "forbidden"), again

        await alice.call("stop")


async def test_slixmpp_moderator_kicks_and_bans_an_xmppjs_occupant(muc):
    room, (alice,) = await muc.occupied_room("alice")
    async with xmppjs(muc, "bob") as bob:
        me = await bob.op("join", room=room, nick="Bob", stanza_id="xmppjs-join-2")
        assert me.id == "xmppjs-join-2" and me.to == bob.jid and me.statuses == {110}, me
        assert me.item == {"affiliation": "none", "role": "participant", "jid": bob.jid}, me
        subject = await bob.expect(lambda s: s.is_message and s.subject is not None, "the subject")
        assert subject.subject == "" and subject.type == "groupchat", subject
        await alice.expect(presence_from(f"{room}/Bob"), "bob's presence")

        # Kicked (8.2): the xmpp.js session gets its own exit, 110 and 307, role none.
        reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_ADMIN}'><item nick='Bob' role='none'>"
                                            "<reason>out, xmpp.js</reason></item></query>")
        assert reply.type == "result", reply
        out = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick")
        assert out.to == bob.jid and out.statuses == {110, 307}, out
        assert out.item.get("role") == "none" and out.item.get("affiliation") == "none", out
        assert reason(out) == "out, xmpp.js", out
        await alice.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's kick, at alice")

        # A kick is not a ban (8.2): back in; then banned (9.1): 110 and 301, outcast.
        me = await bob.op("join", room=room, nick="Bob")
        assert me.type is None and 110 in me.statuses, me
        await alice.expect(presence_from(f"{room}/Bob"), "bob back")
        reply = await alice.iq(room, "set", f"<query xmlns='{NS_MUC_ADMIN}'><item jid='bob@localhost' "
                                            "affiliation='outcast'><reason>banned, xmpp.js</reason></item></query>")
        assert reply.type == "result", reply
        out = await bob.expect(presence_from(f"{room}/Bob", "unavailable"), "bob's ban")
        assert out.to == bob.jid and out.statuses == {110, 301}, out
        assert out.item.get("role") == "none" and out.item.get("affiliation") == "outcast", out
        assert reason(out) == "banned, xmpp.js", out

        # Banned users cannot enter (7.2.7): the presence error, through xmpp.js.
        refused = await bob.op("join", room=room, nick="Bob", stanza_id="xmppjs-join-3")
        assert refused.type == "error" and refused.id == "xmppjs-join-3", refused
        assert refused.frm == f"{room}/Bob" and refused.error == ("auth", "forbidden"), refused
