"""XEP-0114 link robustness: when the XMPP server restarts, the component reconnects by
itself (with backoff) and serves rooms again, without being restarted."""
from harness.muc import groupchat_from
from harness.stanza import new_id


async def exchange_in_new_room(muc):
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    mid = new_id("msg")
    alice.send(f"<message type='groupchat' to='{room}' id='{mid}'><body>still here</body></message>")
    m = await bob.expect(groupchat_from(f"{room}/Alice", "still here"), "the groupchat message")
    assert m.id == mid, m


async def test_component_reattaches_after_server_restart(muc):
    env = muc.env
    await exchange_in_new_room(muc)
    await muc.aclose()
    pid = env.component.proc.pid if env.component else None

    env.restart_server()
    await env.wait_attached(env.attach_timeout)

    if env.component:
        assert env.component.alive() and env.component.proc.pid == pid, "the component was restarted"
    await exchange_in_new_room(muc)
