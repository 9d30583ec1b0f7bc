"""A real web client in a real browser: Converse.js 14 in Debian's headless Chromium
(puppeteer-core, tests/e2e/js/converse-driver.js), logged in through Prosody's WebSocket
(RFC 7395), in a room of the component, with a slixmpp occupant.

XEP-0045 10.1.2 (Converse creates an instant room), 7.2 (entering: occupants, 110, the
subject last), 7.4 (groupchat both ways, shown on the page), 8.1 (the subject changed from
the page, seen by slixmpp). What the page shows is read from its DOM; what Converse sent and
received is read from the browser's own record of its WebSocket frames.
"""
import shutil
import uuid

import pytest

from harness.muc import groupchat_from, is_subject, join, presence_from
from harness.node import ConverseBrowser, artifacts_dir, require_node
from harness.stanza import NS_MUC, NS_MUC_OWNER, q


def websocket_url(e2e) -> str:
    port = getattr(getattr(e2e, "prosody", None), "http_port", None)
    if port is None:
        pytest.skip("the XMPP server of this session serves no WebSocket (Prosody with "
                    "PROSODY_HTTP_PORT, scripts/lib/prosody.sh)")
    return f"ws://127.0.0.1:{port}/xmpp-websocket"


async def test_converse_in_chromium_creates_talks_shows_occupants_and_sets_the_subject(muc, e2e, capsys):
    require_node(browser=True)
    ws = websocket_url(e2e)
    room = muc.room("web")
    workdir = e2e.workdir / f"converse-{uuid.uuid4().hex[:6]}"
    browser = ConverseBrowser("alice", ws, room, "Alice", workdir)
    try:
        await browser.start(timeout=30)

        # Converse joins (and so creates) the room and accepts the default configuration.
        await browser.do("joined", nick="Alice")
        join_sent = await browser.outbound.expect(
            lambda s: s.is_presence and s.to == f"{room}/Alice" and s.find(q(NS_MUC, "x")) is not None,
            "Converse's join presence")
        me = await browser.inbound.expect(
            lambda s: s.is_presence and s.frm == f"{room}/Alice" and 110 in s.statuses,
            "the self-presence, in the browser")
        assert {110, 201} <= me.statuses, me
        assert me.item.get("affiliation") == "owner" and me.item.get("role") == "moderator", me
        assert join_sent.id is None or me.id == join_sent.id, (join_sent, me)
        submit = await browser.outbound.expect(
            lambda s: s.is_iq and s.type == "set" and s.to == room and
            s.find(q(NS_MUC_OWNER, "query")) is not None, "Converse's instant-room submit")
        unlocked = await browser.inbound.expect(
            lambda s: s.is_iq and s.id == submit.id, "the answer to the instant-room submit")
        assert unlocked.type == "result" and unlocked.frm == room, unlocked
        first = await browser.inbound.expect(is_subject(room), "the subject on entering")
        assert first.subject == "" and first.body is None, first

        # A slixmpp occupant enters: it sees Alice (the room's owner), and the page shows Bob.
        bob = await muc.client("bob")
        seq = await join(bob, f"{room}/Bob")
        alice_seen = [s for s in seq if s.is_presence and s.frm == f"{room}/Alice"]
        assert len(alice_seen) == 1, seq
        assert alice_seen[0].item == {"affiliation": "owner", "role": "moderator"}, alice_seen[0]
        shown = await browser.do("occupants", nicks=["Alice", "Bob"])
        assert sorted(shown["occupants"]) == ["Alice", "Bob"], shown
        bob_at_browser = await browser.inbound.expect(presence_from(f"{room}/Bob"), "bob's presence")
        assert bob_at_browser.item.get("role") == "participant", bob_at_browser

        # Typed in the page: bob gets it from Alice.
        await browser.do("send", text="Hello from Converse.js")
        got = await bob.expect(groupchat_from(f"{room}/Alice", "Hello from Converse.js"),
                               "the message typed in Converse")
        assert got.to == bob.jid and got.delay is None, got
        sent = await browser.outbound.expect(
            lambda s: s.is_message and s.body == "Hello from Converse.js", "Converse's message")
        assert sent.type == "groupchat" and sent.to == room, sent
        assert got.id == sent.id, (sent, got)

        # Sent by slixmpp: the page shows it, under Bob's nick.
        bob.send(f"<message to='{room}' type='groupchat' id='bob-web-1'>"
                 "<body>Hello Converse.js, from slixmpp</body></message>")
        shown = await browser.do("message", author="Bob", text="Hello Converse.js, from slixmpp")
        assert any(m["author"] == "Bob" and m["text"] == "Hello Converse.js, from slixmpp"
                   for m in shown["messages"]), shown

        # The subject, changed from the page (/topic): bob sees the change from Alice's
        # occupant JID (8.1), and the page shows it.
        shown = await browser.do("subject", text="Subject set from Converse.js")
        assert shown["subject"] == "Subject set from Converse.js", shown
        change = await bob.expect(is_subject(room), "the subject change")
        assert change.frm == f"{room}/Alice" and change.subject == "Subject set from Converse.js", change
        assert change.delay is None, change
        echoed = await browser.inbound.expect(is_subject(room), "the subject change, in the browser")
        assert echoed.subject == "Subject set from Converse.js", echoed

        # Still listed at the end, as the screenshot shows them.
        shown = await browser.do("occupants", nicks=["Alice", "Bob"])
        assert sorted(shown["occupants"]) == ["Alice", "Bob"], shown
        shot = artifacts_dir() / "converse-room.png"
        await browser.do("screenshot", file=str(workdir / "converse-room.png"))
        shutil.copyfile(workdir / "converse-room.png", shot)
        with capsys.disabled():
            print(f"\nConverse.js screenshot: {shot}")
        assert shot.stat().st_size > 10_000, shot

        await browser.call("stop")
    finally:
        await browser.close()
