"""The server-error handler (urls.handler500): a database that went away is a 503, not a 500.

DatabaseUnavailableMiddleware answers a database error raised inside a view. One raised after
the view, as when the whole server is down and the session is saved on the way out, reaches
the handler instead; it shows the same page: nothing was saved, try again shortly.
"""

from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.views import defaults

from scorecard.middleware import database_unavailable_response


def server_error(request: HttpRequest) -> HttpResponse:
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return database_unavailable_response()
    return defaults.server_error(request)
