"""`japan-nato room serve`: the command line of the room service."""

from __future__ import annotations

import argparse
import os
from typing import Any

DB_ENV = "JAPAN_NATO_ROOM_DB"


def add_room_command(commands: Any) -> None:
    """Add `room serve` to the main parser's subcommands."""
    room = commands.add_parser(
        "room",
        help="instructors: run the live-room service on a JupyterHub",
        description="The live room: a JupyterHub service that collects learners' answers, "
        "shows the instructor's dashboard and runs peer-instruction rounds.",
    )
    actions = room.add_subparsers(dest="room_command", metavar="ACTION", required=True)
    serve = actions.add_parser(
        "serve",
        help="run the service (started by the hub from c.JupyterHub.services)",
        description="Run the room service. The hub starts it and gives it its token, URL and "
        "prefix (JUPYTERHUB_API_TOKEN, JUPYTERHUB_SERVICE_URL, JUPYTERHUB_SERVICE_PREFIX). "
        "People log in through the hub; there is no password of its own.",
    )
    serve.add_argument(
        "--db",
        metavar="PATH",
        default=os.environ.get(DB_ENV, "room.sqlite"),
        help=f"the room's SQLite file (default: ${DB_ENV}, else ./room.sqlite)",
    )
    serve.add_argument("--port", type=int, help="port (default: from JUPYTERHUB_SERVICE_URL)")
    serve.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on (127.0.0.1; 0.0.0.0 in a hub pod)"
    )
    serve.add_argument("--prefix", help="URL prefix (default: JUPYTERHUB_SERVICE_PREFIX)")
    serve.add_argument(
        "--instructor-group",
        default="instructors",
        help="hub group whose members see the room (hub admins always do)",
    )
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    from japan_nato.errors import JapanNatoError
    from japan_nato.room.auth import hub_environment

    if not hub_environment():
        raise JapanNatoError(
            "room serve runs as a JupyterHub service: start it from c.JupyterHub.services "
            "(see instructors/running-a-workshop.md), so the hub gives it "
            "JUPYTERHUB_API_TOKEN and JUPYTERHUB_API_URL."
        )
    from japan_nato.dataset.paths import data_dir
    from japan_nato.room.service import serve
    from japan_nato.room.stats import course_outline

    serve(
        db=args.db,
        outline=course_outline(data_dir()),  # the room serves the course's own banks
        port=args.port,
        ip=args.ip,
        prefix=args.prefix,
        instructor_group=args.instructor_group,
    )
    return 0
