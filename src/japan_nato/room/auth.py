"""Who is asking: hub users through the hub (OAuth for browsers, the hub API for tokens)."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from typing import Any, Protocol

from tornado.httpclient import AsyncHTTPClient, HTTPClientError, HTTPRequest

log = logging.getLogger("japan_nato.room")

DEFAULT_INSTRUCTOR_GROUP = "instructors"


@dataclass(frozen=True)
class Identity:
    """An authenticated person: their hub name and whether they see the room."""

    name: str
    instructor: bool


class Authority(Protocol):
    """What the service needs to know about people."""

    async def identify(self, handler: Any) -> Identity | None:
        """Return who made the request, or None."""

    async def learners(self) -> list[str]:
        """Return the hub users expected to learn in the room (not instructors)."""

    def login_url(self, handler: Any) -> str | None:
        """Return where to send a browser that is not logged in, or None."""


class StaticAuthority:
    """Tokens fixed in advance: for tests and the load bench only, never for a real room."""

    def __init__(self, tokens: dict[str, Identity], learners: list[str] | None = None) -> None:
        """Map each token to an identity; learners defaults to every non-instructor."""
        self.tokens = dict(tokens)
        self._learners = learners

    async def identify(self, handler: Any) -> Identity | None:
        """Read "Authorization: token X" (or ?token=X)."""
        header = handler.request.headers.get("Authorization", "")
        token = header.split(None, 1)[1] if header.lower().startswith(("token ", "bearer ")) else ""
        token = token or handler.get_argument("token", "")
        return self.tokens.get(token.strip())

    async def learners(self) -> list[str]:
        """Return the configured learners."""
        if self._learners is not None:
            return list(self._learners)
        return sorted({i.name for i in self.tokens.values() if not i.instructor})

    def login_url(self, handler: Any) -> str | None:
        """No login page: a missing token is a 403."""
        return None


class HubAuthority:
    """Ask the hub: HubOAuth identifies the person; the service's token reads groups and admins."""

    def __init__(
        self, instructor_group: str = DEFAULT_INSTRUCTOR_GROUP, cache_seconds: float = 30.0
    ) -> None:
        """Read the hub's environment for a managed or external service."""
        from jupyterhub.services.auth import HubOAuth

        # The instance is shared with jupyterhub's OAuth callback handler.
        self.hub_auth = HubOAuth.instance(cache_max_age=60)
        self.instructor_group = instructor_group
        self.cache_seconds = cache_seconds
        self._users: dict[str, dict[str, Any]] = {}
        self._users_at = 0.0

    async def _hub_users(self, force: bool = False) -> dict[str, dict[str, Any]]:
        if force or time.monotonic() - self._users_at > self.cache_seconds:
            request = HTTPRequest(
                self.hub_auth.api_url.rstrip("/") + "/users",
                headers={"Authorization": f"token {self.hub_auth.api_token}"},
                request_timeout=10.0,
            )
            try:
                response = await AsyncHTTPClient().fetch(request)
                body = json.loads(response.body)
                items = body["items"] if isinstance(body, dict) else body
                self._users = {user["name"]: user for user in items}
            except (OSError, ValueError, KeyError, TypeError, HTTPClientError) as exc:
                # Keep the last list: people are still identified by their own tokens, and
                # the instructor group comes with each person's identity.
                log.warning("cannot list the hub's users (%s); check the room-service role", exc)
            self._users_at = time.monotonic()
        return self._users

    def _is_instructor(self, model: dict[str, Any]) -> bool:
        return bool(model.get("admin")) or self.instructor_group in (model.get("groups") or [])

    async def identify(self, handler: Any) -> Identity | None:
        """Return the hub user behind a token or the service's OAuth cookie."""
        from jupyterhub.services.auth import UserNotAllowed

        try:
            model = await self.hub_auth.get_user(handler, sync=False)
        except UserNotAllowed:
            return None
        if not model or model.get("kind", "user") != "user":
            return None
        name = model["name"]
        users = await self._hub_users()
        if name not in users:
            users = await self._hub_users(force=True)
        known = {**users.get(name, {}), "groups": model.get("groups") or []}
        return Identity(name=name, instructor=self._is_instructor(known))

    async def learners(self) -> list[str]:
        """Return hub users who are neither admins nor in the instructor group."""
        users = await self._hub_users()
        return sorted(n for n, m in users.items() if not self._is_instructor(m))

    def login_url(self, handler: Any) -> str | None:
        """The hub's OAuth authorize URL for this request, with the state cookie set."""
        from tornado.httputil import url_concat

        hub_auth = self.hub_auth
        params: dict[str, str] = {}
        verifier = None
        if hub_auth.pkce_enabled:
            verifier, challenge, method = hub_auth.generate_pkce_code_challenge()
            params.update(code_challenge=challenge, code_challenge_method=method)
        params["state"] = hub_auth.set_state_cookie(
            handler, next_url=handler.request.uri, code_verifier=verifier
        )
        return url_concat(hub_auth.login_url, params)


def hub_environment() -> bool:
    """True when this process runs as a hub service (the hub set its token and API URL)."""
    return bool(os.environ.get("JUPYTERHUB_API_TOKEN") and os.environ.get("JUPYTERHUB_API_URL"))
