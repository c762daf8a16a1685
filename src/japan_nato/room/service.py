"""The room service: a tornado app behind JupyterHub; it stores answers, serves the dashboard."""

from __future__ import annotations

import html
import json
import logging
import os
import re
from pathlib import Path
from typing import Any

from tornado import web
from tornado.ioloop import IOLoop

from japan_nato.room.auth import Authority, HubAuthority, Identity, StaticAuthority
from japan_nato.room.stats import (
    Outline,
    export_csv,
    projector_view,
    room_summary,
)
from japan_nato.room.store import RoomError, RoomStore

STATIC = Path(__file__).resolve().parent / "static"
DEFAULT_PREFIX = "/services/room/"
MAX_BATCH = 500
MAX_BODY_BYTES = 4 * 1024 * 1024
log = logging.getLogger("japan_nato.room")


class RoomContext:
    """What every handler shares: the store, the course outline, who is who."""

    def __init__(
        self, store: RoomStore, outline: Outline, authority: Authority, prefix: str, salt: str
    ) -> None:
        """Hold the parts; summaries are cached per store version."""
        self.store = store
        self.outline = outline
        self.authority = authority
        self.prefix = prefix
        self.salt = salt
        self._cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    async def summary(self, *, reveal: bool, projector: bool) -> tuple[int, dict[str, Any]]:
        """Return (version, the dashboard data) for a view."""
        learners = await self.authority.learners()
        version = self.store.version
        key = (version, reveal, projector, tuple(learners))
        if key not in self._cache:
            self._cache.clear()
            summary = room_summary(
                self.store.answers(),
                self.outline,
                rounds=[r.as_dict() for r in self.store.rounds()],
                learners=learners,
                names=self.store.display_names(),
                reveal=reveal and not projector,
                salt=self.salt,
            )
            summary["open_rounds"] = [r.as_dict() for r in self.store.open_rounds()]
            self._cache[key] = projector_view(summary) if projector else summary
        return version, self._cache[key]


class BaseHandler(web.RequestHandler):
    """Identify the caller once per request; JSON errors for the API."""

    identity: Identity | None = None

    def initialize(self, room: RoomContext) -> None:
        """Keep the shared context."""
        self.room = room

    async def prepare(self) -> None:
        """Look the caller up with the hub (token header first, then the OAuth cookie)."""
        self.identity = await self.room.authority.identify(self)

    def get_current_user(self) -> Identity | None:
        """Tornado's current_user is our Identity."""
        return self.identity

    def set_default_headers(self) -> None:
        """No caching, no framing by other sites, no sniffing."""
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Content-Security-Policy", "frame-ancestors 'self'")

    def write_json(self, data: Any, status: int = 200) -> None:
        """Send data as JSON."""
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(data, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors as a one-line JSON message (never echoing request content as HTML)."""
        reason = self._reason
        exc = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(exc, web.HTTPError) and exc.log_message:
            reason = exc.log_message
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": reason, "status": status_code}))

    def need_user(self) -> Identity:
        """Return the caller, or stop with 403."""
        if self.identity is None:
            raise web.HTTPError(403, "log in through the hub, or send a hub token")
        return self.identity

    def need_instructor(self) -> Identity:
        """Return the caller if they may see the room, or stop with 403."""
        who = self.need_user()
        if not who.instructor:
            raise web.HTTPError(403, "only instructors may see the room")
        return who

    def body_json(self) -> Any:
        """Decode a JSON body; a page of another site cannot post here with the cookie."""
        if "Authorization" not in self.request.headers:
            # Cookie-authenticated: demand what a cross-site form cannot send (a custom
            # header forces a CORS preflight, which this service never answers).
            if self.request.headers.get("X-Room-Request") != "1":
                raise web.HTTPError(403, "missing X-Room-Request header")
        try:
            return json.loads(self.request.body or b"null")
        except (ValueError, UnicodeDecodeError) as exc:
            raise web.HTTPError(400, "the body is not valid JSON") from exc


class PageHandler(BaseHandler):
    """The dashboard page (instructor view or projector view)."""

    def initialize(self, room: RoomContext, mode: str = "instructor") -> None:
        """mode is "instructor" or "projector"."""
        super().initialize(room)
        self.mode = mode

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """A short page in plain words (the message is escaped)."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        message = (
            exc.log_message
            if isinstance(exc, web.HTTPError) and exc.log_message
            else (self._reason)
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(
            '<!DOCTYPE html><html lang="en"><meta charset="utf-8"><title>The room</title>'
            f"<h1>The room</h1><p>{html.escape(str(message))} (error {status_code}).</p>"
            '<p><a href="/hub/home">Back to the hub</a></p></html>'
        )

    async def get(self) -> None:
        """Send the page; its script fetches the data."""
        if self.identity is None:
            target = self.room.authority.login_url(self)
            if target:
                self.redirect(target)
                return
        self.need_instructor()
        template = (STATIC / "dashboard.html").read_text(encoding="utf-8")
        # jupyterhub's HubOAuth accepts the cookie on fetch() only with its XSRF token.
        xsrf = self.xsrf_token
        values = {
            "xsrf": xsrf.decode() if isinstance(xsrf, bytes) else str(xsrf),
            "prefix": self.room.prefix,
            "mode": self.mode,
            "user": self.identity.name if self.identity else "",
        }
        page = re.sub(
            r"\{\{(\w+)\}\}",
            lambda m: html.escape(values.get(m.group(1), ""), quote=True),
            template,
        )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(page)


class AnswersHandler(BaseHandler):
    """POST: a learner's answers (as themselves). GET: their own, or anyone's for instructors."""

    async def post(self) -> None:
        """Store a batch of answers for the caller; reply with the uids kept."""
        who = self.need_user()
        body = self.body_json()
        items = body.get("answers") if isinstance(body, dict) else None
        if not isinstance(items, list) or len(items) > MAX_BATCH:
            raise web.HTTPError(400, f"send {{'answers': [...]}} with at most {MAX_BATCH} items")
        try:
            stored = self.room.store.add_answers(who.name, items)
        except RoomError as exc:
            raise web.HTTPError(400, str(exc)) from exc
        self.write_json({"stored": stored, "learner": who.name})

    async def get(self) -> None:
        """Return answers: ?learner=NAME (yourself, or anyone if you are an instructor)."""
        who = self.need_user()
        learner = self.get_argument("learner", who.name)
        if learner != who.name and not who.instructor:
            raise web.HTTPError(403, "you may read only your own answers")
        self.write_json({"learner": learner, "answers": self.room.store.answers(learner)})


class MeHandler(BaseHandler):
    """GET: who you are and your answers. POST: the name you want the instructor to see."""

    async def get(self) -> None:
        """Return the caller's identity and answers."""
        who = self.need_user()
        self.write_json(
            {
                "name": who.name,
                "instructor": who.instructor,
                "display_name": self.room.store.display_names().get(who.name, ""),
                "answers": self.room.store.answers(who.name),
            }
        )

    async def post(self) -> None:
        """Set the caller's display name."""
        who = self.need_user()
        body = self.body_json()
        try:
            name = (body or {}).get("display_name")
            shown = self.room.store.set_display_name(who.name, name)  # type: ignore[arg-type]
        except (RoomError, AttributeError) as exc:
            raise web.HTTPError(400, "send {'display_name': 'text'}") from exc
        self.write_json({"name": who.name, "display_name": shown})


class DashboardHandler(BaseHandler):
    """The dashboard's data, for instructors; ?view=projector never carries names."""

    async def get(self) -> None:
        """Return the summary (304 when nothing changed since the caller's ETag)."""
        self.need_instructor()
        projector = self.get_argument("view", "instructor") == "projector"
        reveal = self.get_argument("names", "") == "real"
        version, data = await self.room.summary(reveal=reveal, projector=projector)
        tag = f'"{version}-{int(reveal)}-{int(projector)}-{len(data["not_started"])}"'
        if self.request.headers.get("If-None-Match") == tag:
            self.set_status(304)
            self.finish()
            return
        self.set_header("ETag", tag)
        self.write_json({"version": version, **data})


class ExportHandler(BaseHandler):
    """Every answer as a CSV for `japan-nato report` (instructors; real hub names)."""

    async def get(self) -> None:
        """Send the CSV as a download."""
        self.need_instructor()
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition", 'attachment; filename="room.csv"')
        self.finish(export_csv(self.room.store.answers()))


class RoundsHandler(BaseHandler):
    """GET: rounds open now (any hub user). POST: open a round (instructors)."""

    async def get(self) -> None:
        """Return the open rounds."""
        self.need_user()
        self.write_json({"rounds": [r.as_dict() for r in self.room.store.open_rounds()]})

    async def post(self) -> None:
        """Open a round on {bank, question_id}."""
        self.need_instructor()
        body = self.body_json()
        if not isinstance(body, dict):
            raise web.HTTPError(400, "send {'bank': ..., 'question_id': ...}")
        bank, question_id = body.get("bank"), body.get("question_id")
        if self.room.outline.question(str(bank), str(question_id)) is None:
            raise web.HTTPError(400, "no such question in the course")
        opened = self.room.store.open_round(bank, question_id)  # type: ignore[arg-type]
        self.write_json(opened.as_dict(), status=201)


class RoundHandler(BaseHandler):
    """POST {action: revote|close} moves a round on (instructors)."""

    async def post(self, round_id: str) -> None:
        """Apply the action."""
        self.need_instructor()
        body = self.body_json()
        action = body.get("action") if isinstance(body, dict) else None
        try:
            found = self.room.store.advance_round(int(round_id), str(action))
        except RoomError as exc:
            raise web.HTTPError(400, str(exc)) from exc
        self.write_json(found.as_dict())


class HealthHandler(BaseHandler):
    """Unauthenticated liveness check (no data)."""

    async def prepare(self) -> None:
        """No identification needed."""

    async def get(self) -> None:
        """Say the service is up."""
        self.write_json({"ok": True})


def make_app(
    store: RoomStore,
    authority: Authority,
    *,
    outline: Outline,
    prefix: str = DEFAULT_PREFIX,
    salt: str | None = None,
) -> web.Application:
    """Return the tornado application serving the room under prefix, over outline's questions."""
    prefix = "/" + prefix.strip("/") + "/" if prefix.strip("/") else "/"
    room = RoomContext(
        store,
        outline,
        authority,
        prefix,
        salt if salt is not None else store.secret("pseudonym_salt")[:16],
    )
    args = {"room": room}
    routes: list[Any] = [
        (prefix, PageHandler, {**args, "mode": "instructor"}),
        (prefix + "projector", PageHandler, {**args, "mode": "projector"}),
        (prefix + "api/health", HealthHandler, args),
        (prefix + "api/answers", AnswersHandler, args),
        (prefix + "api/me", MeHandler, args),
        (prefix + "api/dashboard", DashboardHandler, args),
        (prefix + "api/export.csv", ExportHandler, args),
        (prefix + "api/rounds", RoundsHandler, args),
        (prefix + r"api/rounds/(\d+)", RoundHandler, args),
        (prefix + "static/(.*)", web.StaticFileHandler, {"path": str(STATIC)}),
    ]
    if isinstance(authority, HubAuthority):
        from jupyterhub.services.auth import HubOAuthCallbackHandler

        routes.append((prefix + "oauth_callback", HubOAuthCallbackHandler))
    # Kept in the room's file, so a restarted service still accepts the instructor's cookie.
    return web.Application(routes, cookie_secret=store.secret("cookie_secret"), xsrf_cookies=False)


def serve(
    *,
    db: str | Path,
    outline: Outline,
    port: int | None = None,
    ip: str = "127.0.0.1",
    prefix: str | None = None,
    instructor_group: str = "instructors",
    authority: Authority | None = None,
) -> None:
    """Run the service until interrupted (reads the hub's service environment)."""
    logging.basicConfig(level=logging.INFO, format="[room %(asctime)s] %(message)s")
    url = os.environ.get("JUPYTERHUB_SERVICE_URL", "")
    if port is None:
        from urllib.parse import urlparse

        parsed = urlparse(url) if url else None
        # Only the port: the URL's host is how others reach us (e.g. "hub" on Kubernetes).
        port = parsed.port if parsed and parsed.port else 10101
    prefix = prefix or os.environ.get("JUPYTERHUB_SERVICE_PREFIX") or DEFAULT_PREFIX
    if authority is None:
        authority = HubAuthority(instructor_group)
    store = RoomStore(db)
    app = make_app(store, authority, outline=outline, prefix=prefix)
    app.listen(port, address=ip, xheaders=True, max_body_size=MAX_BODY_BYTES)
    log.info("room service on http://%s:%s%s (store %s)", ip, port, prefix, db)
    IOLoop.current().start()


__all__ = ["StaticAuthority", "make_app", "serve"]
