"""XEP-0045 7.13 (a visitor requests voice with a muc#request form) and 8.6 (a moderator
approves it with muc#request_allow, and the visitor becomes a participant)."""
from harness.muc import create_room, enter, form_values, presence_from
from harness.stanza import NS_DATA, data_form_submit

NS_MUC_REQUEST = "http://jabber.org/protocol/muc#request"


def request_form(room):
    def pred(s):
        if not (s.is_message and s.frm == room and s.type != "error"):
            return False
        x = s.find(f"{{{NS_DATA}}}x")
        return x is not None and form_values(x).get("FORM_TYPE") == [NS_MUC_REQUEST]
    return pred


async def visitor_asks_for_voice(muc):
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("moderated")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_moderatedroom": "1"})
    mine = await enter(bob, f"{room}/Bob")
    assert mine.item.get("role") == "visitor", mine
    await alice.expect(presence_from(f"{room}/Bob"), "bob's join (alice)")
    form = data_form_submit(NS_MUC_REQUEST, {"muc#role": "participant"})
    bob.send(f"<message to='{room}'>{form}</message>")
    m = await alice.expect(request_form(room), "the voice request form")
    return room, alice, bob, m


async def test_voice_request_reaches_moderator_as_approval_form(muc):
    room, alice, bob, m = await visitor_asks_for_voice(muc)
    x = m.find(f"{{{NS_DATA}}}x")
    assert x.get("type") == "form", m
    values = form_values(x)
    assert values.get("muc#role") == ["participant"], m
    assert values.get("muc#roomnick") == ["Bob"], m
    assert "muc#request_allow" in values, m


async def test_moderator_approval_makes_visitor_participant(muc):
    room, alice, bob, m = await visitor_asks_for_voice(muc)
    values = form_values(m.find(f"{{{NS_DATA}}}x"))
    answer = {k: v for k, v in values.items() if k != "FORM_TYPE"}
    answer["muc#request_allow"] = "true"
    alice.send(f"<message to='{room}'>{data_form_submit(NS_MUC_REQUEST, answer)}</message>")
    for c in (bob, alice):
        p = await c.expect(presence_from(f"{room}/Bob"), f"bob's voice presence ({c.name})")
        assert p.item.get("role") == "participant", p
