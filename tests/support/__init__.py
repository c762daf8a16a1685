"""Support code shared by the tests, `python -m bench` and the scripts (run from the repo root)."""
