"""The Prometheus endpoint ([metrics] listen; the harness turns it on, on a free port):
scraped over HTTP while real clients use the service, its counters move as they should."""
import asyncio

import urllib.error
import urllib.request

from harness.stanza import new_id


def scrape(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as r:
        assert r.status == 200
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = r.read().decode()
    samples = {}
    for line in text.splitlines():
        if line.startswith("#") or not line:
            continue
        name, value = line.rsplit(" ", 1)
        samples[name] = float(value)
    return samples


async def test_scrape_counts_stanzas_errors_occupants_and_commits(muc):
    port = muc.env.metrics_port
    before = await asyncio.to_thread(scrape, port)
    room, (alice, bob) = await muc.occupied_room("alice", "bob")
    alice.send(f"<message type='groupchat' to='{room}' id='{new_id('m')}'><body>counted</body></message>")
    for c in (alice, bob):
        await c.expect(lambda s: s.is_message and s.body == "counted", "the message")
    # A participant may not change the subject by default: one auth/forbidden sent.
    sid = new_id("s")
    bob.send(f"<message type='groupchat' to='{room}' id='{sid}'><subject>no</subject></message>")
    error = await bob.expect(lambda s: s.is_message and s.get("id") == sid, "the refusal")
    assert error.error == ("auth", "forbidden"), error
    after = await asyncio.to_thread(scrape, port)

    def delta(name):
        return after.get(name, 0) - before.get(name, 0)

    assert after["muc_link_up"] == 1
    assert after["muc_rooms_loaded"] >= 1 and after["muc_occupants"] >= 2, after
    assert delta('muc_stanzas_in_total{kind="message"}') >= 2
    assert delta('muc_stanzas_in_total{kind="presence"}') >= 2
    # The message went to both occupants: two copies of one broadcast.
    assert delta('muc_stanzas_out_total{kind="message"}') >= 3
    assert delta('muc_stanza_errors_total{condition="forbidden"}') == 1
    assert after["muc_link_queue_bytes"] >= 0
    assert "muc_link_reconnects_total" in after
    if muc.env.postgres:
        # The room's instant configuration and the message were committed and archived.
        assert delta("muc_db_commit_seconds_count") >= 2
        assert delta("muc_archived_messages_total") >= 1
        assert after['muc_db_commit_seconds_bucket{le="+Inf"}'] == after["muc_db_commit_seconds_count"]
        assert "muc_db_queue_jobs" in after and "muc_rooms_stored" in after


async def test_a_path_other_than_metrics_is_not_found(muc):
    def get():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{muc.env.metrics_port}/", timeout=5)
        except urllib.error.HTTPError as e:
            return e.code
        return 200
    assert await asyncio.to_thread(get) == 404


def test_a_metrics_address_in_use_stops_the_component_with_an_error(muc):
    """The operator asked for metrics: running without them would hide that they are off."""
    import os
    import socket
    import subprocess
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "MUC_METRICS_LISTEN": f"127.0.0.1:{port}", "MUC_SECRET": "x"}
        done = subprocess.run([muc.env.binary, "--server", "127.0.0.1:1"], env=env,
                              capture_output=True, text=True, timeout=30)
    assert done.returncode == 1, done.stderr
    assert f"cannot listen for metrics on 127.0.0.1:{port}" in done.stderr, done.stderr
    assert "handles still open" not in done.stderr, done.stderr
