"""A real JupyterHub on 127.0.0.1 with the room service, for the hub tests and the screenshots.

Nothing here imports playwright or jupyterhub at module level, so the folder is collected (and
skipped with a clear message) on a machine without them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.lab import CHROMIUM
from tests.support.processes import (
    MARKER_ENV,
    free_port,
    kill_leftovers,
    log_tail,
    marked_processes,
    start_logged,
    stop_group,
    wait_ready,
)

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
CHP_DIR = Path(os.environ.get("JAPAN_NATO_CHP_DIR", REPO / ".venv" / "chp"))
PASSWORD = "room-e2e-" + secrets.token_hex(4)
INSTRUCTOR_GROUP = "instructors"
HOW_TO_ENABLE = (
    "To enable the hub test: `apt-get install nodejs npm chromium` (or run .ci/run), then "
    "`make setup` (the test extra pulls in jupyterhub and nbgitpuller); the test installs "
    "configurable-http-proxy from npm into .venv/chp (set JAPAN_NATO_CHP_DIR to move it)."
)
LAB_SETTING_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {
        "fetchNews": "false",
        "checkForUpdates": False,
        "doNotDisturbMode": True,
    },
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
    "@jupyterlab/extensionmanager-extension:plugin": {"enabled": False},
}
HUB_START_S = 90.0
# Lines the test measured; conftest prints them at the end of the run (in CI logs too).
FIGURES: list[str] = []


def chp_command(install: bool = True) -> Path | None:
    """Return configurable-http-proxy (on PATH or in CHP_DIR); install it there with npm."""
    found = shutil.which("configurable-http-proxy")
    if found:
        return Path(found)
    local = CHP_DIR / "node_modules" / ".bin" / "configurable-http-proxy"
    if local.exists():
        return local
    if not install or shutil.which("npm") is None or shutil.which("node") is None:
        return None
    try:
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(CHP_DIR),
                "--no-audit",
                "--no-fund",
                "configurable-http-proxy@5",
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    except (subprocess.SubprocessError, OSError):
        return None
    return local if local.exists() else None


def missing_requirement() -> str | None:
    """Return why the hub test cannot run here (with how to fix it), or None."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        return f"Chromium not found at {CHROMIUM}. {HOW_TO_ENABLE}"
    for module in ("playwright", "jupyterhub", "nbgitpuller"):
        if importlib.util.find_spec(module) is None:
            return f"Python package `{module}` is not installed. {HOW_TO_ENABLE}"
    if shutil.which("git") is None:
        return f"git is not installed (nbgitpuller needs it). {HOW_TO_ENABLE}"
    if shutil.which("node") is None:
        return f"Node.js is not installed (configurable-http-proxy needs it). {HOW_TO_ENABLE}"
    if chp_command(install=False) is None and shutil.which("npm") is None:
        return f"npm is not installed (it installs configurable-http-proxy). {HOW_TO_ENABLE}"
    return None


def make_course_repo(base: Path) -> Path:
    """Commit the course (notebooks, data, README) to a fresh local git repository."""
    repo = base / "course"
    repo.mkdir(parents=True)
    for name in ("notebooks", "data"):
        shutil.copytree(
            REPO / name,
            repo / name,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
    shutil.copy(REPO / "README.md", repo / "README.md")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "e2e",
        "GIT_AUTHOR_EMAIL": "e2e@127.0.0.1",
        "GIT_COMMITTER_NAME": "e2e",
        "GIT_COMMITTER_EMAIL": "e2e@127.0.0.1",
    }
    for command in (
        ["git", "init", "-q", "-b", "main"],
        ["git", "add", "-A"],
        ["git", "commit", "-q", "-m", "course"],
    ):
        subprocess.run(command, cwd=repo, check=True, env=env, capture_output=True)
    return repo


@dataclass
class Hub:
    """A running JupyterHub with the room service."""

    base: Path
    port: int
    room_port: int
    admin_token: str
    proc: subprocess.Popen[bytes]
    log_path: Path
    course: Path
    learners: list[str]
    instructors: list[str]
    startup_s: float = 0.0
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The hub's public URL (through the proxy), with a trailing slash."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def room_url(self) -> str:
        """The room service through the proxy."""
        return self.url + "services/room/"

    def pull_link(self, notebook: str = "00_start_here.ipynb") -> str:
        """The nbgitpuller link a learner clicks (as in the README), for the local course."""
        from urllib.parse import urlencode

        query = urlencode(
            {
                "repo": f"file://{self.course}",
                "branch": "main",
                "urlpath": f"lab/tree/{self.course.name}/notebooks/{notebook}",
            }
        )
        return f"{self.url}hub/user-redirect/git-pull?{query}"

    def request(
        self,
        method: str,
        url: str,
        token: str | None = None,
        body: Any = None,
        timeout: float = 15.0,
    ) -> tuple[int, Any]:
        """Call url with a hub token; return (status, decoded JSON or None)."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"token {token}"
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as response:
                raw = response.read()
                status = response.status
        except urllib.error.HTTPError as exc:
            raw, status = exc.read(), exc.code
        try:
            return status, json.loads(raw) if raw else None
        except ValueError:
            return status, raw.decode(errors="replace")

    def hub_api(self, method: str, path: str, body: Any = None) -> Any:
        """Call the hub's REST API as the test's admin service."""
        status, data = self.request(
            method, self.url + "hub/api/" + path.lstrip("/"), self.admin_token, body
        )
        if status >= 400:
            raise RuntimeError(f"hub API {method} {path}: {status} {data}")
        return data

    def user_token(self, name: str) -> str:
        """Return a hub API token of user name that may reach the room service."""
        if name not in self.tokens:
            reply = self.hub_api(
                "POST",
                f"users/{name}/tokens",
                {
                    "note": "room e2e",
                    "expires_in": 3600,
                    "scopes": ["access:services!service=room"],
                },
            )
            self.tokens[name] = reply["token"]
        return self.tokens[name]

    def log_tail(self, lines: int = 60) -> str:
        """Return the end of the hub log."""
        return log_tail(self.log_path, lines)

    def user_processes(self, name: str) -> list[int]:
        """Return the pids whose environment says they belong to user name in this hub."""
        found = []
        for pid, env in marked_processes(str(self.base)):
            if env.get("JUPYTERHUB_USER") == name:
                found.append(pid)
        return found

    def service_pid(self) -> int | None:
        """Return the pid of the room service the hub started, or None."""
        for pid, env in marked_processes(str(self.base)):
            if env.get("JUPYTERHUB_SERVICE_NAME") == "room" and "room serve" in env["_cmd"]:
                return pid
        return None

    def stop(self, timeout: float = 30.0) -> list[tuple[int, str]]:
        """Stop the hub (which stops the servers and the service); kill and return survivors."""
        # SIGTERM to the hub alone: it stops its servers and the service itself.
        stop_group(self.proc, timeout, group=False)
        return kill_leftovers(str(self.base), timeout=15.0)


def rss_kib(pid: int) -> int:
    """Return a process's resident memory in KiB (0 if it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


CONFIG = """\
# Written by tests/hub/room_hub.py: the lines a room needs are the same as in
# instructors/running-a-workshop.md; the rest makes a throwaway hub on 127.0.0.1.
import sys
c = get_config()  # noqa: F821
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{chp!r}]
c.JupyterHub.db_url = "sqlite:///{base}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = "{base}/jupyterhub_cookie_secret"
c.JupyterHub.pid_file = "{base}/jupyterhub.pid"
c.JupyterHub.cleanup_servers = True

# Test users: a shared password, three or more learners and an instructor group.
c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.load_groups = {{"instructors": {{"users": {instructors!r}}}}}

# Homes under the test's temp dir, no system users.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{base}/homes/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.args = ["--allow-root", "--ServerApp.terminals_enabled=False",
                  "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL"]

# --- the room: these are the lines the guide gives ---
c.JupyterHub.services = [
    {{
        "name": "room",
        "url": "http://127.0.0.1:{room_port}",
        "command": [sys.executable, "-m", "japan_nato", "room", "serve",
                    "--db", "{base}/room.sqlite"],
        "oauth_no_confirm": True,
        "environment": {{"{marker}": "{base}"}},
    }},
    {{"name": "e2e-admin", "api_token": {admin_token!r}}},
]
c.JupyterHub.load_roles = [
    # every user may open the room (their kernels send answers; instructors see the dashboard)
    {{"name": "user", "scopes": ["self", "access:services!service=room"]}},
    # the single-user server's token (JUPYTERHUB_API_TOKEN in the kernel) may reach the room
    {{"name": "server", "scopes": ["users:activity!user", "access:servers!server",
                                  "access:services!service=room"]}},
    # the room reads who is in the instructor group and who the learners are
    {{"name": "room-service", "scopes": ["list:users", "read:users", "read:groups"],
      "services": ["room"]}},
    {{"name": "e2e-admin", "scopes": ["admin:users", "tokens", "access:services",
                                     "list:users", "read:users"], "services": ["e2e-admin"]}},
]
c.Spawner.environment = {{
    "JAPAN_NATO_ROOM_URL": "http://127.0.0.1:{room_port}/services/room/",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    "{marker}": "{base}",
}}
"""


class MissingProxy(RuntimeError):
    """configurable-http-proxy is not there and npm could not install it."""


def start_hub(base: Path, learners: list[str], instructors: list[str]) -> Hub:
    """Write a hub config under base, start the hub, wait until hub and room answer."""
    chp = chp_command()
    if chp is None:
        raise MissingProxy(
            f"configurable-http-proxy could not be installed from npm. {HOW_TO_ENABLE}"
        )
    base.mkdir(parents=True, exist_ok=True)
    course = make_course_repo(base)
    homes = base / "homes"
    for name in learners + instructors:
        labconfig = homes / name / ".jupyter" / "labconfig"
        labconfig.mkdir(parents=True)
        (labconfig / "default_setting_overrides.json").write_text(
            json.dumps(LAB_SETTING_OVERRIDES), encoding="utf-8"
        )
    port, room_port = free_port(), free_port()
    admin_token = secrets.token_hex(24)
    config = base / "jupyterhub_config.py"
    config.write_text(
        CONFIG.format(
            port=port,
            hub_port=free_port(),
            proxy_api_port=free_port(),
            chp=str(chp),
            base=base,
            password=PASSWORD,
            users=set(learners + instructors),
            instructors=instructors,
            singleuser=str(VENV_BIN / "jupyterhub-singleuser"),
            room_port=room_port,
            marker=MARKER_ENV,
            admin_token=admin_token,
        ),
        encoding="utf-8",
    )
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), str(chp.parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO / "src"), env.get("PYTHONPATH")) if p)
    env[MARKER_ENV] = str(base)
    for key in ("JAPAN_NATO_PROGRESS", "JAPAN_NATO_LEARNER", "JUPYTERHUB_API_TOKEN"):
        env.pop(key, None)
    log_path = base / "jupyterhub.log"
    started = time.monotonic()
    proc = start_logged(
        [sys.executable, "-m", "jupyterhub", "-f", str(config)],
        cwd=base,
        env=env,
        log_path=log_path,
    )
    hub = Hub(
        base=base,
        port=port,
        room_port=room_port,
        admin_token=admin_token,
        proc=proc,
        log_path=log_path,
        course=course,
        learners=learners,
        instructors=instructors,
    )

    def both_up() -> bool:
        hub_up = hub.request("GET", hub.url + "hub/api/", timeout=2)[0] == 200
        return hub_up and hub.request("GET", hub.room_url + "api/health", timeout=2)[0] == 200

    wait_ready(
        proc, both_up, name="jupyterhub", seconds=HUB_START_S, tail=hub.log_tail, give_up=hub.stop
    )
    hub.startup_s = time.monotonic() - started
    return hub
