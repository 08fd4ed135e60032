"""Chinese first: the interface is in Chinese unless the user picks English with the switch."""

from django.middleware.locale import LocaleMiddleware


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, minus the browser's Accept-Language header.

    Officials' browsers are often set up in English while the assessment is a Chinese
    document; the language therefore comes only from the language cookie that the switch in
    the page header sets, and otherwise is LANGUAGE_CODE (zh-hans).
    """

    def process_request(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
