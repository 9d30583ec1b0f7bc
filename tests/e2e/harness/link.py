"""Watching the component's XEP-0114 link from its log.

The component logs one line containing `reconnecting` each time it drops the stream to the
XMPP server and schedules a new attempt (component/xmpp/link_transport.cpp, retry()). So
"the link stayed up" is "no such line since the test began". The log is written unbuffered
(stderr), so once the component has answered a later stanza, a reconnect before it is
already in the file.
"""
from __future__ import annotations

from typing import List

from .env import E2E


class LinkWatch:
    """Remembers where the component's log ended when it was made. Without a component in
    the session (MUC_E2E_DOMAIN=muc.localhost: Prosody's own MUC) there is no link to
    watch: nothing is found."""

    def __init__(self, env: E2E):
        self.env = env
        self.mark = env.component_log_mark() if env.component else None

    def since(self) -> str:
        if self.mark is None:
            return ""
        return self.env.component_log_since(self.mark)

    def reconnects(self) -> List[str]:
        return [line for line in self.since().splitlines() if "reconnecting" in line]

    def link_lines(self, limit: int = 20) -> str:
        """The link's own lines (and warnings) logged since the mark, for failure messages."""
        lines = [line for line in self.since().splitlines()
                 if "link:" in line or " warn " in line or " error " in line
                 or "attached" in line]
        shown = lines[-limit:]
        more = f"  ({len(lines) - len(shown)} earlier lines not shown)\n" if len(lines) > len(shown) else ""
        return more + ("\n".join(f"  {line}" for line in shown) if shown else "  (none)")

    def assert_no_reconnect(self, after: str) -> None:
        found = self.reconnects()
        assert not found, (f"the component dropped its link to the XMPP server ({after}); "
                           f"its log since the test began:\n{self.link_lines()}")
