"""Durability under a crash (README "Decide, then apply" and "Durability"; XEP-0045 9.3
granting membership).

A change to a stored room is answered only after its COMMIT. So when the component is
killed with SIGKILL at an arbitrary moment, every change a client saw acknowledged (iq
result) must be in the database after the restart; changes in flight may or may not have
been committed, but never without having been requested.

MUC_E2E_CRASH_SEED=N replays a run (the seed is printed)."""
import asyncio
import os
import random
import signal
import time

import pytest

from harness.detach import wait_detached
from harness.env import persistence_skip_reason
from harness.muc import admin_get, admin_item, admin_items, create_room, join
from harness.stanza import NS_MUC_ADMIN, attr, new_id

pytestmark = pytest.mark.skipif(persistence_skip_reason() is not None,
                                reason=persistence_skip_reason() or "")

WINDOW = 4            # member grants in flight at once
MAX_GRANTS = 20000    # safety bound; the kill comes long before


def grant(room: str, sid: str, jid: str) -> str:
    return (f"<iq type='set' to={attr(room)} id={attr(sid)}><query xmlns='{NS_MUC_ADMIN}'>"
            f"{admin_item(jid=jid, affiliation='member')}</query></iq>")


async def test_acknowledged_member_grants_survive_sigkill(muc):
    env = muc.env
    seed = int(os.environ.get("MUC_E2E_CRASH_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    kill_after = rng.randint(100, 300)
    print(f"crash test: MUC_E2E_CRASH_SEED={seed}, SIGKILL after {kill_after} acknowledgements")

    alice = await muc.client("alice")
    room = muc.room("crash")
    await create_room(alice, f"{room}/Alice", {"muc#roomconfig_persistentroom": "1"})
    await alice.barrier(room)
    alice.drain()

    inflight = {}        # iq id -> jid
    sent = []            # jids, in order
    acked = []           # jids whose grant got an iq result
    errors_before = []   # error replies before the kill started (must be none)
    errors_after = []    # error replies once the kill started (the link going away)
    kill_task = None

    def is_reply(s):
        return s.is_iq and s.id in inflight and s.type in ("result", "error")

    def account(reply):
        jid = inflight.pop(reply.id)
        if reply.type == "result":
            acked.append(jid)
        elif kill_task is None:
            errors_before.append(reply)
        else:
            errors_after.append((jid, reply))

    started = time.monotonic()
    while kill_task is None or not kill_task.done():
        while len(inflight) < WINDOW and len(sent) < MAX_GRANTS and (kill_task is None or not kill_task.done()):
            jid = f"user{len(sent) + 1}@localhost"
            sid = new_id("grant")
            inflight[sid] = jid
            sent.append(jid)
            alice.send(grant(room, sid, jid))
        try:
            reply = await alice.expect(is_reply, "a grant's reply", timeout=0.2 if kill_task else 10.0)
        except AssertionError:
            if kill_task is None:
                raise
            continue  # the component is dying: replies stop
        account(reply)
        assert not errors_before, f"a grant was refused before the kill: {errors_before[0]}"
        if kill_task is None and len(acked) >= kill_after:
            # The kill runs in a thread while this loop keeps granting and counting.
            kill_task = asyncio.ensure_future(env.kill_component(signal.SIGKILL))
    acked_at_kill = len(acked)
    try:
        status = kill_task.result()
        assert status == -signal.SIGKILL, f"muc-component exit status {status}, expected killed by SIGKILL"
        # Results the component sent before it died may still be on their way: once the
        # server says the component is gone, they are all in alice's queue.
        await wait_detached(alice, env.domain, timeout=20.0)
        for reply in alice.take(is_reply):
            account(reply)
    finally:
        await env.relaunch_component()  # also when this test fails: later tests need it
    print(f"crash test: {len(sent)} grants sent in {time.monotonic() - started:.2f}s, "
          f"{acked_at_kill} acknowledged when the kill returned, {len(acked)} in all; "
          f"{len(inflight)} unanswered, {len(errors_after)} answered with an error after the kill")

    rows = env.sql("SELECT jid FROM muc_members WHERE room = :'room' AND affiliation = 'member'",
                   room=room)
    in_db = {r["jid"] for r in rows}
    count = env.sql("SELECT count(*) AS n FROM muc_members WHERE room = :'room' "
                    "AND affiliation = 'member'", room=room)[0]["n"]
    assert count == len(in_db), (count, len(in_db))
    acked_set = set(acked)
    assert len(acked_set) == len(acked), "a grant was acknowledged twice"
    missing = [j for j in acked if j not in in_db]
    committed_unacked = sorted(in_db - acked_set, key=lambda j: int(j[4:].split("@")[0]))
    print(f"crash test: {len(in_db)} member rows in the database; {len(acked)} acknowledged, "
          f"{len(acked) - len(missing)} of them present; {len(committed_unacked)} committed "
          f"without acknowledgement: {committed_unacked}")
    assert not missing, (
        f"{len(missing)} acknowledged grants are not in the database after SIGKILL (seed {seed}): "
        f"{missing[:20]}{' ...' if len(missing) > 20 else ''}; acknowledged {len(acked)}, "
        f"rows {len(in_db)}")
    assert len(acked_set & in_db) == len(acked), (len(acked_set & in_db), len(acked))
    phantom = in_db - set(sent)
    assert not phantom, f"member rows nobody asked for: {sorted(phantom)}"

    # The restarted component serves what the database holds.
    await join(alice, f"{room}/Alice")
    reply = await admin_get(alice, room, affiliation="member")
    assert reply.type == "result", reply
    listed = {i.get("jid") for i in admin_items(reply)}
    assert listed == in_db, (f"member list after restart differs from the database: "
                             f"only listed {sorted(listed - in_db)[:10]}, "
                             f"only in db {sorted(in_db - listed)[:10]}")
