"""XEP-0410 (MUC self-ping, server optimization) through Prosody: the room answers a ping
to one's own occupant JID itself — a result while joined, cancel/not-acceptable once not —
and says so in its disco#info."""
from harness.stanza import NS_DISCO_INFO, q

PING = "<ping xmlns='urn:xmpp:ping'/>"
SELF_PING = "http://jabber.org/protocol/muc#self-ping-optimization"


async def test_self_ping_is_a_result_while_joined_and_not_acceptable_after(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    info = await alice.disco_info(room)
    features = {f.get("var") for f in info.child(NS_DISCO_INFO, "query").findall(q(NS_DISCO_INFO, "feature"))}
    assert SELF_PING in features, info

    joined = await bob.iq(f"{room}/Bob", "get", PING)
    assert joined.type == "result", joined
    assert joined.frm == f"{room}/Bob", joined
    # Answered by the room: Bob's client never saw a relayed ping.
    assert not bob.take(lambda s: s.is_iq and s.type == "get")

    bob.send(f"<presence to='{room}/Bob' type='unavailable'/>")
    await bob.collect_until(lambda s: s.is_presence and s.type == "unavailable"
                            and s.frm == f"{room}/Bob", "Bob's own exit")
    gone = await bob.iq(f"{room}/Bob", "get", PING)
    assert gone.type == "error", gone
    assert gone.error == ("cancel", "not-acceptable"), gone
