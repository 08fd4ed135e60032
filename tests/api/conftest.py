"""The API tests' world, built once per module inside a transaction rolled back at the end
(each test runs in a savepoint of it, the `db` fixture's), and clients that authenticate with
a personal token."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import Client
from knox.models import AuthToken

from tests.api.world import build_world


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(built_world, db):
    return built_world


def token_client(user) -> Client:
    """A client that sends a new token of `user` in the Authorization header."""
    _token, key = AuthToken.objects.create(user=user)
    return Client(headers={"Authorization": f"Token {key}"})


@pytest.fixture
def as_user(world):
    """as_user("reporter_a") -> a token client of that user of the world."""
    return lambda name: token_client(world["users"][name])
