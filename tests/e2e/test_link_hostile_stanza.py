"""One hostile stanza costs that stanza, never the component's link (issue "Large rooms and
hostile stanzas must never cost the link"; RFC 6120 8.3.3.12 policy-violation, 8.3.2 stanza
errors; XEP-0114: one stream carries every user of every room).

A client sends, through the XMPP server, a stanza that breaks one of the component's per-stanza
limits (README "Configuration": `max_depth` 32, `max_attributes` 64, `max_stanza_bytes`
256 KiB). The component must drop that stanza alone and, for an iq get/set, a message or a
presence not of type error, answer its sender with a stanza error
`<error type='modify'><policy-violation/>`; a stanza of type error is dropped silently
(errors never answer errors). Meanwhile another room with two other occupants keeps working,
and the component's log shows no reconnect (harness.link.LinkWatch) since the test began.

Prosody forwards such stanzas as they are: it limits neither depth nor attributes, and its
c2s stanza limit (256 KiB in 0.12) applies to what the client sent, while it re-escapes `'`
as `&apos;` towards the component, so 60,000 apostrophes in a body (60 KB from the client)
reach the component as about 360 KB. ejabberd 23.01 (MUC_E2E_SERVER=ejabberd) does the same:
no depth or attribute limit, `max_stanza_size` unlimited by default, `'` re-escaped as
`&apos;`.

Only the defined conditions and error types are asserted, not the <text/> wording (where a
text is present, that it names the limit's number).
"""
from dataclasses import dataclass
from typing import List, Optional

import pytest

from harness.client import Client
from harness.link import LinkWatch
from harness.muc import from_room, groupchat_from
from harness.stanza import NS_CLIENT, NS_DISCO_INFO, NS_MUC, NS_MUC_ADMIN, NS_STANZAS, Stanza, new_id, q

NEST = 300  # elements nested in the payload: far over max_depth (32)
ATTRIBUTES = 70  # on one element: over max_attributes (64)
APOSTROPHES = 60_000  # 60 KB from the client, ~360 KB as the server forwards it (&apos;)


def nested(depth: int = NEST, name: str = "a") -> str:
    return f"<{name}>" * depth + f"</{name}>" * depth


def error_text(s: Stanza) -> Optional[str]:
    t = s.find(f"{q(NS_CLIENT, 'error')}/{q(NS_STANZAS, 'text')}")
    return None if t is None else (t.text or "")


@dataclass
class Scene:
    """The hostile room (alice sends, dave watches) and the quiet room (bob, carol)."""
    watch: LinkWatch
    room: str
    alice: Client
    dave: Client
    quiet: str
    bob: Client
    carol: Client

    async def send_hostile(self, client: Client, xml: str, what: str) -> Stanza:
        """Sends `xml` (a stanza with an id) and returns the reply with the same id; a
        missing reply fails with what the component logged about its link meanwhile."""
        try:
            return await client.request(xml)
        except AssertionError as e:
            raise AssertionError(f"no reply to {what}.\nThe component's link since the test "
                                 f"began:\n{self.watch.link_lines()}\n{e}") from None

    async def barrier(self, client: Client) -> None:
        """A round trip to the hostile room (see Client.barrier); a lost answer fails with
        what the component logged about its link meanwhile."""
        try:
            await client.barrier(self.room)
        except AssertionError as e:
            raise AssertionError(f"the room did not answer a disco#info round trip.\nThe "
                                 f"component's link since the test began:\n"
                                 f"{self.watch.link_lines()}\n{e}") from None

    async def quiet_room_still_works(self, after: str) -> None:
        """A groupchat message in the other room reaches both its occupants, and the link
        was never dropped."""
        body = f"still here after {after} ({new_id('q')})"
        mid = new_id("msg")
        self.bob.send(f"<message type='groupchat' to='{self.quiet}' id='{mid}'><body>{body}</body></message>")
        for c in (self.bob, self.carol):
            try:
                m = await c.expect(groupchat_from(f"{self.quiet}/Bob", body),
                                   f"bob's message in the quiet room after {after}")
            except AssertionError as e:
                raise AssertionError(f"{e}\nThe component's link since the test began:\n"
                                     f"{self.watch.link_lines()}") from None
            assert m.id == mid, m
        self.watch.assert_no_reconnect(after)

    async def not_reflected(self, pred, what: str) -> None:
        """Nothing matching `pred` reached the hostile room's occupants (each makes a round
        trip to the room first, so anything the room sent before has arrived)."""
        for c in (self.alice, self.dave):
            await self.barrier(c)
            got = c.take(pred)
            assert not got, f"{what} reached {c.name}: {got}"


@pytest.fixture
def scene_of(muc):
    async def make() -> Scene:
        env = muc.env
        if not env.component:
            pytest.skip("watches the component's own link: no component is started by this session")
        # A failed earlier test may have cost the link: start from an attached component.
        await env.wait_attached(env.attach_timeout)
        watch = LinkWatch(env)
        room, (alice, dave) = await muc.occupied_room("alice", "dave", hint="hostile")
        quiet, (bob, carol) = await muc.occupied_room("bob", "carol", hint="quiet")
        return Scene(watch, room, alice, dave, quiet, bob, carol)
    return make


def assert_policy_violation(reply: Stanza, kind: str, frm: str, to: str, number: Optional[str] = None):
    assert reply.name == kind and reply.type == "error", reply
    assert reply.frm == frm, reply
    assert reply.to == to, reply
    assert reply.error == ("modify", "policy-violation"), reply
    text = error_text(reply)
    if number is not None and text:
        assert number in text, f"the error text does not name the limit ({number}): {reply}"


async def test_deeply_nested_iq_gets_policy_violation_and_link_stays_up(scene_of):
    s = await scene_of()
    iid = new_id("deep-iq")
    # A muc#admin role change whose <item/> holds 300 nested elements.
    reply = await s.send_hostile(
        s.alice,
        f"<iq type='set' to='{s.room}' id='{iid}'><query xmlns='{NS_MUC_ADMIN}'>"
        f"<item nick='Dave' role='visitor'>{nested()}</item></query></iq>",
        f"an iq set nested {NEST} deep")
    assert reply.id == iid, reply
    assert_policy_violation(reply, "iq", s.room, s.alice.jid, number="32")
    # Dropped, not acted on: dave kept his role (no presence change reached anyone).
    await s.not_reflected(lambda x: x.is_presence and x.frm == f"{s.room}/Dave",
                          "a role change of Dave")
    await s.quiet_room_still_works("the deep iq")


async def test_deeply_nested_groupchat_gets_policy_violation_is_not_reflected_and_link_stays_up(scene_of):
    s = await scene_of()
    mid = new_id("deep-msg")
    body = f"deep {mid}"
    reply = await s.send_hostile(
        s.alice,
        f"<message type='groupchat' to='{s.room}' id='{mid}'><body>{body}</body>"
        f"<x xmlns='urn:e2e:deep'>{nested()}</x></message>",
        f"a groupchat message nested {NEST} deep")
    assert_policy_violation(reply, "message", s.room, s.alice.jid, number="32")
    await s.not_reflected(lambda x: x.is_message and x.body == body, "the deep message")
    await s.quiet_room_still_works("the deep message")


async def test_oversized_groupchat_gets_policy_violation_is_not_reflected_and_link_stays_up(scene_of):
    s = await scene_of()
    mid = new_id("big-msg")
    reply = await s.send_hostile(
        s.alice,
        f"<message type='groupchat' to='{s.room}' id='{mid}'><body>{chr(39) * APOSTROPHES}</body></message>",
        f"a groupchat message of {APOSTROPHES} apostrophes (~{APOSTROPHES * 6 // 1000} KB at the component)")
    assert_policy_violation(reply, "message", s.room, s.alice.jid)
    await s.not_reflected(lambda x: x.is_message and x.frm == f"{s.room}/Alice", "the oversized message")
    await s.quiet_room_still_works("the oversized message")


async def test_element_with_too_many_attributes_gets_policy_violation_and_link_stays_up(scene_of):
    s = await scene_of()
    iid = new_id("attrs-iq")
    attrs = " ".join(f"a{i}='{i}'" for i in range(ATTRIBUTES))
    reply = await s.send_hostile(
        s.alice,
        f"<iq type='get' to='{s.room}' id='{iid}'><query xmlns='{NS_DISCO_INFO}'><x {attrs}/></query></iq>",
        f"an iq get with {ATTRIBUTES} attributes on one element")
    assert reply.id == iid, reply
    assert_policy_violation(reply, "iq", s.room, s.alice.jid, number="64")
    await s.quiet_room_still_works("the iq with too many attributes")


async def test_deeply_nested_join_presence_is_refused_with_policy_violation_and_link_stays_up(scene_of, muc):
    s = await scene_of()
    eve = await muc.client("eve")
    pid = new_id("deep-join")
    reply = await s.send_hostile(
        eve,
        f"<presence to='{s.room}/Eve' id='{pid}'><x xmlns='{NS_MUC}'/>"
        f"<c xmlns='urn:e2e:deep'>{nested()}</c></presence>",
        f"a join presence nested {NEST} deep")
    assert_policy_violation(reply, "presence", f"{s.room}/Eve", eve.jid, number="32")
    # Eve did not enter: no presence of hers reached the occupants, none came back to her.
    await s.not_reflected(lambda x: x.is_presence and x.frm == f"{s.room}/Eve", "Eve's join")
    await s.barrier(eve)
    assert not eve.take(lambda x: x.is_presence and x.type != "error" and from_room(s.room)(x)), eve.received
    await s.quiet_room_still_works("the deep join")


async def test_deeply_nested_error_stanza_is_dropped_without_reply_and_link_stays_up(scene_of):
    s = await scene_of()
    mid = new_id("deep-err")
    # Errors never answer errors (RFC 6120 8.3.1): dropped, no reply at all.
    s.alice.send(f"<message type='error' to='{s.room}' id='{mid}'>"
                 f"<error type='cancel'><x xmlns='urn:e2e:deep'>{nested()}</x></error></message>")
    await s.barrier(s.alice)
    replies: List[Stanza] = s.alice.take(lambda x: x.id == mid)
    assert not replies, f"an error was answered: {replies}"
    await s.quiet_room_still_works("the deep error message")


async def test_hostile_stanzas_back_to_back_are_each_answered_and_stanzas_between_them_delivered(scene_of):
    """One burst on alice's stream: each hostile stanza followed at once by an ordinary
    groupchat message. The component must skip each hostile stanza exactly (the next one is
    cut where it begins), answer it, and deliver the message after it; the messages in order."""
    s = await scene_of()
    attrs = " ".join(f"a{i}='{i}'" for i in range(ATTRIBUTES))
    hostile = [
        lambda i: (f"<iq type='set' to='{s.room}' id='{i}'><query xmlns='{NS_MUC_ADMIN}'>"
                   f"<item nick='Dave' role='visitor'>{nested()}</item></query></iq>"),
        lambda i: (f"<message type='groupchat' to='{s.room}' id='{i}'><body>deep</body>"
                   f"<x xmlns='urn:e2e:deep'>{nested()}</x></message>"),
        lambda i: (f"<message type='groupchat' to='{s.room}' id='{i}'>"
                   f"<body>{chr(39) * APOSTROPHES}</body></message>"),
        lambda i: (f"<iq type='get' to='{s.room}' id='{i}'><query xmlns='{NS_DISCO_INFO}'>"
                   f"<x {attrs}/></query></iq>"),
    ]
    burst, expected, bodies = [], [], []
    for n, make in enumerate(hostile):
        hid, mid = new_id(f"hostile{n}"), new_id(f"between{n}")
        body = f"between {n} ({mid})"
        burst += [make(hid),
                  f"<message type='groupchat' to='{s.room}' id='{mid}'><body>{body}</body></message>"]
        expected += [("error", hid), ("groupchat", mid)]
        bodies.append(body)
    ids = {i for _, i in expected}
    s.alice.send("".join(burst))
    try:
        got = await s.alice.collect_until(lambda x: x.id == expected[-1][1] and x.type == "groupchat",
                                          "the burst's last message, reflected",
                                          keep=lambda x: x.id in ids)
    except AssertionError as e:
        raise AssertionError(f"{e}\nThe component's link since the test began:\n"
                             f"{s.watch.link_lines()}") from None
    # Each kind keeps its order. Across kinds it may not: a groupchat message is reflected
    # only once its archive row is committed, and a refusal needs no commit.
    for kind in ("error", "groupchat"):
        assert ([x.id for x in got if x.type == kind]
                == [i for t, i in expected if t == kind]), "\n".join(map(str, got))
    for x in got:
        if x.type == "error":
            assert x.frm == s.room and x.error == ("modify", "policy-violation"), x
        else:
            assert x.frm == f"{s.room}/Alice", x
    # Dave got the ordinary messages, in order, and nothing else of alice's.
    for body in bodies:
        await s.dave.expect(groupchat_from(f"{s.room}/Alice", body), f"alice's message {body!r}")
    await s.not_reflected(lambda x: x.is_message and x.frm == f"{s.room}/Alice", "a hostile message")
    await s.quiet_room_still_works("the burst of hostile stanzas")
