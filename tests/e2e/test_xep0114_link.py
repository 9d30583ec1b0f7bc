"""XEP-0114: a wrong component secret is fatal, not retried forever.

The server answers a bad handshake with the `not-authorized` stream error; retrying cannot
fix that, so the component must exit non-zero at once with a line that says why (issue:
"a wrong secret exits non-zero with a clear message instead of retrying forever").
"""
import subprocess

import pytest


def test_wrong_secret_exits_nonzero_with_a_clear_message(e2e):
    if not e2e.start_component:
        pytest.skip("no component binary under test")
    proc = subprocess.run(
        [e2e.binary, "--server", f"127.0.0.1:{e2e.server.component_port}",
         "--domain", e2e.domain, "--secret", "certainly-not-the-secret"],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1, proc.stderr
    assert "not-authorized" in proc.stderr


def test_missing_secret_is_a_usage_error(e2e):
    if not e2e.start_component:
        pytest.skip("no component binary under test")
    proc = subprocess.run([e2e.binary, "--server", "127.0.0.1:1"], stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=30,
                          env={"PATH": "/usr/bin:/bin"})
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "secret" in proc.stderr
