"""After an outage of the link the component cannot know who is still online: it checks
every occupant's session (an XEP-0199 ping from the room) and removes, with status 333,
those the server says are gone. A server killed outright (Prosody, ejabberd) tells nobody
that its users left."""
import asyncio
import os
import signal

from harness.muc import create_room, join, presence_from
from harness.stanza import bare


async def _kill_server_and_start_it_again(env) -> None:
    # A pidfd becomes readable when the process has exited: an event to await, no polling.
    pidfd = os.pidfd_open(env.server.pid)
    exited = asyncio.get_running_loop().create_future()
    asyncio.get_running_loop().add_reader(pidfd, lambda: exited.done() or exited.set_result(None))
    try:
        os.kill(env.server.pid, signal.SIGKILL)  # no unavailable presence reaches the component
        await asyncio.wait_for(exited, 10)
    finally:
        asyncio.get_running_loop().remove_reader(pidfd)
        os.close(pidfd)
    env.server.start()
    await env.wait_attached(env.attach_timeout)


async def test_sessions_lost_in_an_outage_are_removed_with_333_when_the_link_returns(muc):
    env = muc.env
    # Persistent, so that the room outlives its occupants and the newcomers find it.
    alice, bob = await muc.clients("alice", "bob")
    room = muc.room("outage")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    await join(bob, f"{room}/Bob")
    await alice.expect(presence_from(f"{room}/Bob"), "bob's join")
    clients = (alice, bob)
    await _kill_server_and_start_it_again(env)
    for c in clients:
        c.abort()  # their connections died with the server

    # A newcomer either sees no trace of Alice and Bob, or sees them leave with 333 once the
    # server has answered the component's check that their sessions are gone.
    carol = await muc.client("carol")
    got = await join(carol, f"{room}/Carol")
    seen = {p.frm for p in got if p.is_presence and p.type is None and bare(p.frm) == room}
    for nick in ("Alice", "Bob"):
        occupant = f"{room}/{nick}"
        if occupant in seen:
            bye = await carol.expect(presence_from(occupant, "unavailable"),
                                     f"{nick}'s removal after the outage", timeout=10)
            assert 333 in bye.statuses, bye
    # The room Carol is in now holds her alone: a second newcomer sees only her.
    dave = await muc.client("dave")
    got = await join(dave, f"{room}/Dave")
    others = sorted(p.frm for p in got if p.is_presence and p.type is None
                    and bare(p.frm) == room and p.frm != f"{room}/Dave")
    assert others == [f"{room}/Carol"], got
