"""The server-error handler: a database that went away after the view is a 503 page."""

from __future__ import annotations

from django.db import OperationalError
from django.test import RequestFactory

from scorecard.errors import server_error


def handled(error: Exception):
    request = RequestFactory().get("/")
    try:
        raise error
    except Exception:
        return server_error(request)


def test_a_database_error_is_a_503_saying_nothing_was_saved():
    response = handled(OperationalError("server closed the connection unexpectedly"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "数据库暂时无法访问" in page and "未保存" in page
    assert "server closed" not in page  # no detail of the error on the page


def test_any_other_error_is_the_plain_500_page():
    response = handled(ValueError("boom"))
    assert response.status_code == 500
    assert "数据库暂时无法访问" not in response.content.decode()
