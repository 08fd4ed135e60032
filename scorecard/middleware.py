"""Request middleware of the project: Chinese first, control characters refused, no copy of
a signed-in page kept by a browser or proxy, and a lost database connection answered with a
503 page that says nothing was saved."""

import logging
import re
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.log import log_response
from django.utils.translation import gettext as _


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus the browser's Accept-Language header.

    Officials' browsers are often set up in English while the assessment is a Chinese
    document; the language therefore comes only from the language cookie that the switch in
    the page header sets, and otherwise is LANGUAGE_CODE (zh-hans).
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


# C0 control characters other than tab, line feed and carriage return: no form field of this
# app takes them, PostgreSQL refuses NUL in text, and they hide text from a reader.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(text: str) -> bool:
    """Whether the text holds a control character that no field of this app takes (the same
    test for query strings, form fields and the texts of JSON bodies)."""
    return _CONTROL.search(text) is not None


class RefuseControlCharactersMiddleware:
    """A query-string or form field holding a control character (a NUL byte, say) is refused
    with a 400 page naming the field, before any view runs: nothing is saved, and no view has
    to guard against what no form offers. File contents are the upload checks' business."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for source in (request.GET, request.POST if request.method == "POST" else None):
            if source is None:
                continue
            for name, values in source.lists():
                if has_control_characters(name) or any(map(has_control_characters, values)):
                    return self._refuse(request, name)
        return self.get_response(request)

    @staticmethod
    def _refuse(request: HttpRequest, name: str) -> HttpResponse:
        field = _CONTROL.sub("?", name)[:60]
        message = _("“%(field)s”中含有不可见的控制字符（如 NUL），已拒绝，数据未作任何修改。") % {
            "field": field
        }
        return render(request, "400.html", {"message": message}, status=400)


class NoStoreForSignedInMiddleware:
    """Every response to a signed-in user (pages with figures, exports, bulletins, bonus
    documents, API answers) says `Cache-Control: no-store` (with Django's never-cache headers),
    so that no shared browser, proxy or back button keeps figures after the official has
    left (a download that says no-store already keeps its own header). Static files are
    served before this runs (whitenoise) and keep their long cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        already = response.get("Cache-Control", "")
        if user is not None and user.is_authenticated and "no-store" not in already:
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
        return response


request_log = logging.getLogger("scorecard.requests")


class RequestLogMiddleware:
    """One log record per request with its fields (method, path, status, duration, user id):
    a JSON line in production (settings.LOGGING). The query string is left out: it may carry
    a county's code, but never a secret, and the path names the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        request_log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "ms": round((time.perf_counter() - started) * 1000, 1),
                "user": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response


RETRY_AFTER_SECONDS = 30


def database_unavailable_response() -> HttpResponse:
    """The 503 page for a database that went away: nothing was saved, try again shortly. Rendered
    without the request's context processors (they would query the database)."""
    response = HttpResponse(
        render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503
    )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseUnavailableMiddleware:
    """A database error that ends a view (the connection dropped or the server restarted in
    the middle of a request) is answered with a 503 page saying that nothing was saved and to
    try again, instead of the 500 page: the view's transaction went with the connection, so
    the official's data is as it was before the request. The page is rendered without the
    request's context processors (they would query the database); the error is logged (and
    mailed to ADMINS) through django.request like any server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        response = database_unavailable_response()
        log_response(
            "Database unavailable: %s",
            request.path,
            response=response,
            request=request,
            exception=exception,
        )
        return response
