"""The small scored city of the rankings tests, shared with the supervision tests."""

from tests.rankings.conftest import city, targets  # noqa: F401
