"""The packaged course data folder, resolved once, for tests that call the core directly.

The core takes its data folder as a required argument; only the public layer (api, Course, cli)
picks the default. Tests that call the core hand it this folder (or a copy of it).
"""

from __future__ import annotations

from japan_nato.dataset.paths import data_dir

COURSE_DATA = data_dir()
