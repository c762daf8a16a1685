"""Session set-up shared by the unit tests and nbval: progress goes to a temp file."""

import os
import shutil
import tempfile

_TMP = tempfile.mkdtemp(prefix="japan-nato-tests-")


def pytest_configure(config):
    """Point the progress store at a temp file before any kernel starts (kernels inherit it)."""
    os.environ["JAPAN_NATO_PROGRESS"] = os.path.join(_TMP, "progress.sqlite")
    os.environ["JAPAN_NATO_LEARNER"] = "test-learner"


def pytest_unconfigure(config):
    """Remove the temp progress directory."""
    shutil.rmtree(_TMP, ignore_errors=True)
