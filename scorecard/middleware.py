"""Request middleware of the project: Chinese first, and control characters refused."""

import re

from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
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
