"""The real parts an end-to-end run needs: an XMPP server (Prosody or ejabberd) and
optionally PostgreSQL, started through scripts/lib/*.sh (the one source of truth for how
they are configured and started), and the muc-component binary.

Settings (environment):
  MUC_E2E_SERVER           prosody (default) or ejabberd: the XMPP server the clients log in
                           to and the component attaches to (scripts/lib/prosody.sh or
                           scripts/lib/ejabberd.sh)
  MUC_COMPONENT_BIN        the component binary (required unless the target is the server's MUC)
  MUC_COMPONENT_ARGS       extra arguments for it (shell-quoted), e.g. "--config x.toml"
  MUC_E2E_DOMAIN           MUC service under test (default conference.localhost)
  MUC_E2E_START_COMPONENT  1/0; default 1, but 0 when MUC_E2E_DOMAIN is the server's own MUC
                           (muc.localhost), which lets the tests run against Prosody's MUC
                           (ejabberd's mod_muc is there too, but the suite is not checked
                           against it)
  MUC_E2E_DB               1 = start a throwaway PostgreSQL and pass --db URI to the component
  MUC_E2E_COMPONENT_LOG_LEVEL  passed as --log-level (default debug; empty = not passed)
  MUC_E2E_PROSODY_LOG_LEVEL    Prosody's log level (default debug)
  MUC_E2E_EJABBERD_LOG_LEVEL   ejabberd's log level (default debug)
  MUC_E2E_ATTACH_TIMEOUT   seconds to wait for the component to attach (default 20)
  MUC_E2E_KEEP             1 = keep the work dir (logs, configs) even when all passed
  MUC_E2E_IQ_AUDIT         1/0 (default 1): start the component with MUC_IQ_AUDIT=1 and, each
                           time it stops cleanly (exit 0), assert on its log line
                           "iq: audit: ... unanswered=0 duplicate=0": every iq get/set it was
                           sent got exactly one result or error
"""
from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Optional

from .client import Client
from .detach import server_says_unattached


def _free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

REPO = Path(__file__).resolve().parents[3]
LIB = REPO / "scripts" / "lib"
# The server's own MUC (Prosody's "muc" component, ejabberd's mod_muc), for comparison.
SERVER_MUC_DOMAIN = "muc.localhost"
PROSODY_MUC_DOMAIN = SERVER_MUC_DOMAIN  # the older name
SERVERS = ("prosody", "ejabberd")
USERS = ("alice", "bob", "carol", "dave", "eve")
# A second host with SASL ANONYMOUS: many clients without registering accounts (as
# scripts/bench does). harness.rawc2s logs in there.
ANON_DOMAIN = "anon.localhost"


def _truthy(v: Optional[str]) -> bool:
    return (v or "").strip().lower() in ("1", "true", "yes", "on")


def tail(path: Path, lines: int = 60) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - 256 * 1024))
            data = f.read().decode("utf-8", "replace")
    except OSError as e:
        return f"(cannot read {path}: {e})"
    return "\n".join(data.splitlines()[-lines:])


def _read_env_file(path: Path) -> Dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def _run_lib(script: str, action: str, directory: Path, env: Optional[dict] = None) -> None:
    p = subprocess.run(["bash", str(LIB / script), action, str(directory)],
                       env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError(f"scripts/lib/{script} {action} {directory} failed "
                           f"(exit {p.returncode}):\n{p.stdout}")


def server_kind() -> str:
    """MUC_E2E_SERVER: which XMPP server the session starts (prosody or ejabberd)."""
    kind = os.environ.get("MUC_E2E_SERVER", "prosody").strip().lower() or "prosody"
    if kind not in SERVERS:
        raise RuntimeError(f"MUC_E2E_SERVER={kind!r}: expected one of {', '.join(SERVERS)}")
    return kind


class Prosody:
    """A Prosody started by scripts/lib/prosody.sh in `directory`."""

    name = "prosody"

    def __init__(self, directory: Path, component_domain: str, muc_domain: str = PROSODY_MUC_DOMAIN,
                 log_level: str = "debug"):
        self.dir = directory
        self._settings = {"PROSODY_COMPONENT_DOMAIN": component_domain,
                          "PROSODY_MUC_DOMAIN": muc_domain,
                          "PROSODY_USERS": " ".join(USERS),
                          "PROSODY_LOG_LEVEL": log_level,
                          # Read by scripts/lib/prosody.sh if it knows it; else see below.
                          "PROSODY_ANON_DOMAIN": ANON_DOMAIN,
                          # WebSocket for the browser tests (test_web_converse.py).
                          "PROSODY_HTTP_PORT": "auto"}
        self.state: Dict[str, str] = {}

    def start(self) -> None:
        """First call: configure and start on free ports. Later calls: restart on the same
        ports with the same configuration."""
        first = not (self.dir / "prosody.env").exists()
        _run_lib("prosody.sh", "start", self.dir, self._settings)
        self.state = _read_env_file(self.dir / "prosody.env")
        if first and not self.has_anonymous_host():
            # scripts/lib/prosody.sh writes no anonymous host: add it the way scripts/bench
            # does (append to the generated config, then restart on the same ports). Later
            # starts reuse the config, host included.
            self.stop()
            with open(self.config, "a") as f:
                f.write(f'\nVirtualHost "{ANON_DOMAIN}"\n  authentication = "anonymous"\n')
            _run_lib("prosody.sh", "start", self.dir)
            self.state = _read_env_file(self.dir / "prosody.env")

    @property
    def config(self) -> Path:
        return self.dir / "prosody.cfg.lua"

    def has_anonymous_host(self) -> bool:
        try:
            text = self.config.read_text()
        except OSError:
            return False
        return f'VirtualHost "{ANON_DOMAIN}"' in text

    def stop(self) -> None:
        _run_lib("prosody.sh", "stop", self.dir)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def c2s_port(self) -> int:
        return int(self.state["PROSODY_C2S_PORT"])

    @property
    def component_port(self) -> int:
        return int(self.state["PROSODY_COMPONENT_PORT"])

    @property
    def http_port(self) -> Optional[int]:
        """Prosody's HTTP port (WebSocket at /xmpp-websocket), None when HTTP is off."""
        port = self.state.get("PROSODY_HTTP_PORT", "")
        return int(port) if port.isdigit() else None

    @property
    def component_secret(self) -> str:
        return self.state["PROSODY_COMPONENT_SECRET"]

    @property
    def pid(self) -> int:
        return int(self.state["PROSODY_PID"])

    @property
    def log(self) -> Path:
        return Path(self.state.get("PROSODY_LOG", self.dir / "prosody.log"))


class Ejabberd:
    """An ejabberd started by scripts/lib/ejabberd.sh in `directory` (a plain `erl` with no
    node name: no epmd, no ejabberdctl). Same interface as Prosody."""

    name = "ejabberd"

    def __init__(self, directory: Path, component_domain: str, muc_domain: str = SERVER_MUC_DOMAIN,
                 log_level: str = "debug"):
        self.dir = directory
        self._settings = {"EJABBERD_COMPONENT_DOMAIN": component_domain,
                          "EJABBERD_MUC_DOMAIN": muc_domain,
                          "EJABBERD_USERS": " ".join(USERS),
                          "EJABBERD_LOG_LEVEL": log_level,
                          "EJABBERD_ANON_DOMAIN": ANON_DOMAIN}
        self.state: Dict[str, str] = {}

    def start(self) -> None:
        """First call: configure and start on free ports. Later calls: restart on the same
        ports with the same configuration (and the same Mnesia spool: users included)."""
        _run_lib("ejabberd.sh", "start", self.dir, self._settings)
        self.state = _read_env_file(self.dir / "ejabberd.env")

    @property
    def config(self) -> Path:
        return self.dir / "ejabberd.yml"

    def has_anonymous_host(self) -> bool:
        return bool(self.state.get("EJABBERD_ANON_DOMAIN"))

    def stop(self) -> None:
        _run_lib("ejabberd.sh", "stop", self.dir)

    def restart(self) -> None:
        self.stop()
        self.start()

    @property
    def c2s_port(self) -> int:
        return int(self.state["EJABBERD_C2S_PORT"])

    @property
    def component_port(self) -> int:
        return int(self.state["EJABBERD_COMPONENT_PORT"])

    @property
    def component_secret(self) -> str:
        return self.state["EJABBERD_COMPONENT_SECRET"]

    @property
    def pid(self) -> int:
        return int(self.state["EJABBERD_PID"])

    @property
    def log(self) -> Path:
        return Path(self.state.get("EJABBERD_LOG", self.dir / "ejabberd.log"))


class Postgres:
    """A throwaway cluster started by scripts/lib/postgres.sh in `directory`."""

    def __init__(self, directory: Path):
        self.dir = directory
        self.state: Dict[str, str] = {}

    def start(self) -> None:
        _run_lib("postgres.sh", "start", self.dir)
        self.state = _read_env_file(self.dir / "pg.env")

    def stop(self) -> None:
        _run_lib("postgres.sh", "stop", self.dir)

    @property
    def uri(self) -> str:
        return self.state["PG_URI"]

    @property
    def log(self) -> Path:
        return self.dir / "pg.log"


_AUDIT_LINE = re.compile(
    r"iq: audit: entered=(\d+) answered=(\d+) unanswered=(\d+) duplicate=(\d+)")


class Component:
    """The muc-component process (only this PID is ever signalled)."""

    def __init__(self, binary: str, args: list, log: Path, iq_audit: bool = True):
        self.binary, self.args, self.log = binary, args, log
        self.proc: Optional[subprocess.Popen] = None
        self.iq_audit = iq_audit
        self._log_start = 0  # where this process's part of the log begins

    def start(self) -> None:
        try:
            self._log_start = self.log.stat().st_size
        except FileNotFoundError:
            self._log_start = 0
        env = {**os.environ, "MUC_IQ_AUDIT": "1" if self.iq_audit else "0"}
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen([self.binary, *self.args], stdin=subprocess.DEVNULL,
                                         stdout=out, stderr=subprocess.STDOUT, env=env)

    def check_iq_audit(self) -> None:
        """After a clean exit: the process answered every iq get/set it was sent exactly once
        (its "iq: audit:" line, logged when it stops; relays still pending at the stop are
        answered by the shutdown). Raises AssertionError otherwise."""
        if not self.iq_audit or self.proc is None or self.proc.returncode != 0:
            return
        with open(self.log, "rb") as f:
            f.seek(self._log_start)
            text = f.read().decode("utf-8", "replace")
        found = _AUDIT_LINE.findall(text)
        if not found:
            raise AssertionError("muc-component stopped cleanly without its 'iq: audit:' line "
                                 f"(log {self.log}, from byte {self._log_start})")
        entered, answered, unanswered, duplicate = (int(n) for n in found[-1])
        if unanswered or duplicate:
            details = [line for line in text.splitlines() if "iq: audit:" in line]
            raise AssertionError(
                f"muc-component did not answer every iq get/set exactly once: entered={entered} "
                f"answered={answered} unanswered={unanswered} duplicate={duplicate}\n" +
                "\n".join(details[-20:]))

    @property
    def command(self) -> str:
        return shlex.join([self.binary, *self.args])

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def signal_and_wait(self, sig: int, timeout: float) -> int:
        """Sends `sig` to this process (only this PID) and waits for it to exit. Returns
        its status (negative: killed by that signal). If it has not exited after
        `timeout` seconds it is killed (SIGKILL) and RuntimeError is raised."""
        if self.proc is None:
            raise RuntimeError("the component was never started")
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError(f"muc-component did not exit within {timeout}s of signal "
                                   f"{signal.Signals(sig).name}; killed it") from None
            self.check_iq_audit()
        return self.proc.returncode

    def stop(self, timeout: float = 5.0) -> Optional[int]:
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.check_iq_audit()
        return self.proc.returncode


class E2E:
    """One XMPP server (+ component, + PostgreSQL) for a whole test session."""

    def __init__(self):
        self.server_kind = server_kind()
        self.domain = os.environ.get("MUC_E2E_DOMAIN", "conference.localhost")
        default_start = "0" if self.domain == SERVER_MUC_DOMAIN else "1"
        self.start_component = _truthy(os.environ.get("MUC_E2E_START_COMPONENT", default_start))
        self.binary = os.environ.get("MUC_COMPONENT_BIN", "")
        self.use_db = _truthy(os.environ.get("MUC_E2E_DB"))
        self.attach_timeout = float(os.environ.get("MUC_E2E_ATTACH_TIMEOUT", "20"))
        self.workdir: Optional[Path] = None  # made by start()
        self.server = None  # Prosody or Ejabberd, made by start()
        self.postgres: Optional[Postgres] = None
        self.component: Optional[Component] = None
        self.metrics_port = 0  # the component's Prometheus endpoint (test_metrics.py)
        self.host = "127.0.0.1"

    @property
    def target(self) -> str:
        if self.start_component:
            return f"muc-component on {self.domain}"
        return f"{self.domain} (no component started: the server's own MUC or an external one)"

    @property
    def prosody(self):
        """The session's XMPP server (the older name, from when it was always Prosody)."""
        return self.server

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> None:
        binary = ""
        if self.start_component:
            binary = shutil.which(self.binary) or os.path.abspath(self.binary)
            if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
                raise RuntimeError(f"MUC_COMPONENT_BIN={self.binary!r}: not an executable file")
        self.workdir = Path(tempfile.mkdtemp(prefix="muc-e2e."))
        # mkdtemp makes it 0700; PostgreSQL runs as the postgres user and must reach pg/.
        self.workdir.chmod(0o755)
        component_domain = self.domain if self.domain != SERVER_MUC_DOMAIN else "conference.localhost"
        if self.server_kind == "ejabberd":
            self.server = Ejabberd(self.workdir / "ejabberd", component_domain,
                                   log_level=os.environ.get("MUC_E2E_EJABBERD_LOG_LEVEL", "debug"))
        else:
            self.server = Prosody(self.workdir / "prosody", component_domain,
                                  log_level=os.environ.get("MUC_E2E_PROSODY_LOG_LEVEL", "debug"))
        self.server.start()
        if self.use_db:
            self.postgres = Postgres(self.workdir / "pg")
            self.postgres.start()
        if self.start_component:
            args = ["--server", f"127.0.0.1:{self.server.component_port}",
                    "--domain", self.domain, "--secret", self.server.component_secret]
            level = os.environ.get("MUC_E2E_COMPONENT_LOG_LEVEL", "debug")
            if level:
                args += ["--log-level", level]
            if self.postgres:
                args += ["--db", self.postgres.uri]
            # Every test creates its rooms as alice; the per-user creation quota would stop
            # the suite, not a flooder. The other bounds keep their defaults.
            config = self.workdir / "component.toml"
            # The Prometheus endpoint is on, on a free port, so that tests can scrape it.
            self.metrics_port = _free_port()
            config.write_text("[service]\nrooms_per_user_per_hour = 0\n"
                              f"[metrics]\nlisten = \"127.0.0.1:{self.metrics_port}\"\n")
            args += ["--config", str(config)]
            args += shlex.split(os.environ.get("MUC_COMPONENT_ARGS", ""))
            # The audit's line is logged at info: a quieter component cannot be checked.
            audit = _truthy(os.environ.get("MUC_E2E_IQ_AUDIT", "1")) and \
                level.strip().lower() not in ("warn", "error")
            self.component = Component(binary, args, self.workdir / "component.log",
                                       iq_audit=audit)
            self.component.start()
        run(self.wait_attached(self.attach_timeout))

    def close(self, keep: bool = False) -> None:
        errors = []
        for stop in ([self.component.stop] if self.component else []) + \
                    ([self.server.stop] if self.server and self.server.state else []) + \
                    ([self.postgres.stop] if self.postgres and self.postgres.state else []):
            try:
                stop()
            except Exception as e:  # noqa: BLE001 - keep tearing down the rest
                errors.append(e)
        if self.workdir and not keep and not _truthy(os.environ.get("MUC_E2E_KEEP")):
            shutil.rmtree(self.workdir, ignore_errors=True)
        if errors:
            raise RuntimeError(f"teardown errors: {errors}")

    def restart_server(self) -> None:
        """Stops the XMPP server and starts it again on the same ports (the component
        stays up)."""
        self.server.restart()

    restart_prosody = restart_server  # the older name

    # -- clients ----------------------------------------------------------------------
    def client(self, name: str, resource: Optional[str] = None) -> Client:
        return Client(name, self.host, self.server.c2s_port, resource=resource)

    async def wait_attached(self, timeout: float) -> None:
        """Polls disco#info on the service until the service itself answers (while no
        component is attached the server answers itself: harness.detach.
        server_says_unattached). There is no event a client could await instead, hence the
        short poll."""
        deadline = time.monotonic() + timeout
        probe = await self.client("alice", resource=f"attach-probe-{os.getpid()}").connect(
            initial_presence=False)
        last = None
        try:
            while True:
                if self.component and not self.component.alive():
                    raise RuntimeError(
                        f"muc-component exited with status {self.component.proc.returncode} "
                        "before attaching (see its log)")
                try:
                    last = await probe.disco_info(self.domain, timeout=2.0)
                except AssertionError as e:
                    last = e
                else:
                    if last.type == "result" or (last.type == "error" and
                                                 not server_says_unattached(last)):
                        return
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{self.domain} did not answer disco#info within {timeout}s "
                                       f"(last answer: {last})")
                await asyncio.sleep(0.05)  # poll interval: attachment is not observable otherwise
        finally:
            await probe.close(timeout=0.5)

    # -- persistence tests: restarting the component and PostgreSQL, SQL ---------------
    async def kill_component(self, sig: int = signal.SIGTERM, timeout: float = 30.0) -> int:
        """Sends `sig` to the component process and waits (without blocking the event loop)
        until it has exited. Returns its exit status; -N means killed by signal N.
        SIGTERM is the orderly shutdown; SIGKILL is a crash."""
        if not self.component:
            raise RuntimeError("no component was started by this session")
        return await asyncio.to_thread(self.component.signal_and_wait, sig, timeout)

    async def relaunch_component(self, timeout: Optional[float] = None) -> None:
        """Starts the (exited) component again with the same command line and log file, and
        waits until it is attached (timeout: MUC_E2E_ATTACH_TIMEOUT by default)."""
        if not self.component:
            raise RuntimeError("no component was started by this session")
        if self.component.alive():
            raise RuntimeError("the component is still running")
        with open(self.component.log, "ab") as out:
            out.write(b"\n===== e2e: component started again =====\n")
        self.component.start()
        await self.wait_attached(self.attach_timeout if timeout is None else timeout)

    async def restart_component(self, timeout: Optional[float] = None) -> int:
        """Orderly restart: SIGTERM, wait for the exit, start again, wait until attached.
        Returns the exit status of the stopped process (0 expected)."""
        status = await self.kill_component(signal.SIGTERM)
        await self.relaunch_component(timeout)
        return status

    async def stop_postgres(self) -> None:
        """Fast shutdown of the session's PostgreSQL (scripts/lib/postgres.sh stop)."""
        if not self.postgres:
            raise RuntimeError("no PostgreSQL in this session (MUC_E2E_DB is not 1)")
        await asyncio.to_thread(self.postgres.stop)

    async def start_postgres(self) -> None:
        """Starts the session's PostgreSQL again, same data directory and port."""
        if not self.postgres:
            raise RuntimeError("no PostgreSQL in this session (MUC_E2E_DB is not 1)")
        port = self.postgres.state.get("PG_PORT")
        await asyncio.to_thread(self.postgres.start)
        if self.postgres.state.get("PG_PORT") != port:
            raise RuntimeError(f"PostgreSQL came back on port {self.postgres.state.get('PG_PORT')}, "
                               f"not {port}")

    def sql(self, query: str, **params: str) -> List[dict]:
        """Runs one SELECT through psql on the session's database and returns its rows as
        dicts (through json: booleans, NULL -> None, arrays -> lists, timestamps -> str).
        Parameters are psql variables, quoted as literals: sql("... WHERE room = :'room'",
        room=jid)."""
        if not self.postgres:
            raise RuntimeError("no PostgreSQL in this session (MUC_E2E_DB is not 1)")
        st = self.postgres.state
        psql = os.path.join(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"), "psql")
        if not os.access(psql, os.X_OK):
            psql = shutil.which("psql") or "psql"
        cmd = [psql, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
               "-p", st["PG_PORT"], "-U", "postgres", "-d", st["PG_DB"]]
        for name, value in params.items():
            cmd += ["-v", f"{name}={value}"]
        body = query.strip().rstrip(";")
        script = f"SELECT coalesce(json_agg(row_to_json(q)), '[]'::json) FROM (\n{body}\n) q;\n"
        p = subprocess.run(cmd, input=script, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=30, env={**os.environ, "PGCONNECT_TIMEOUT": "5"})
        if p.returncode != 0:
            raise RuntimeError(f"psql failed (exit {p.returncode}): {p.stderr.strip()}\n"
                               f"query: {body}\nparams: {params}")
        return json.loads(p.stdout)

    # -- the component's log ------------------------------------------------------------
    def component_log_mark(self) -> int:
        """Where the component's log ends now: pass it to component_log_since() to read only
        what the component logged after this point (the log is only ever appended to, also
        across relaunch_component())."""
        if not self.component:
            raise RuntimeError("no component was started by this session")
        try:
            return self.component.log.stat().st_size
        except FileNotFoundError:
            return 0

    def component_log_since(self, mark: int) -> str:
        """The component's log from `mark` (see component_log_mark) to its current end."""
        if not self.component:
            raise RuntimeError("no component was started by this session")
        with open(self.component.log, "rb") as f:
            f.seek(mark)
            return f.read().decode("utf-8", "replace")

    # -- diagnostics ------------------------------------------------------------------
    def logs(self) -> Dict[str, Path]:
        out = {}
        if self.component:
            out["muc-component"] = self.component.log
        if self.server:
            out[self.server.name] = self.server.log
        if self.postgres:
            out["postgresql"] = self.postgres.log
        return out

    def describe_logs(self, lines: int = 60) -> str:
        parts = []
        if self.component:
            parts.append(f"component command: {self.component.command}")
        for name, path in self.logs().items():
            parts.append(f"----- {name} log, last {lines} lines ({path}) -----\n{tail(path, lines)}")
        return "\n".join(parts)


def persistence_skip_reason() -> Optional[str]:
    """Why the persistence tests cannot run in this session (None: they can). They need a
    component started by the session (to restart and kill it) with PostgreSQL."""
    domain = os.environ.get("MUC_E2E_DOMAIN", "conference.localhost")
    default_start = "0" if domain == SERVER_MUC_DOMAIN else "1"
    if not _truthy(os.environ.get("MUC_E2E_START_COMPONENT", default_start)):
        return "persistence tests restart the component: no component is started (MUC_E2E_START_COMPONENT=0)"
    if not _truthy(os.environ.get("MUC_E2E_DB")):
        return "persistence tests need PostgreSQL: set MUC_E2E_DB=1"
    return None


def run(coro, timeout: Optional[float] = None):
    """Runs a coroutine on a fresh event loop (and closes it), like asyncio.run but also
    usable for slixmpp, which binds to the current loop when a client is created."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        if timeout is not None:
            coro = asyncio.wait_for(coro, timeout)
        return loop.run_until_complete(coro)
    finally:
        try:
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for t in pending:
                t.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            loop.close()
