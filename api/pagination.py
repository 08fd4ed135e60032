"""Page-number pagination of every list: `page` (1, 2, ... or `last`) and `page_size` (50 by
default, at most 500; a value that is no positive whole number falls back to 50)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = _("页码无效：page 应为 1 到最后一页之间的整数。")
    page_query_description = _("页码，从 1 开始")
    page_size_query_description = _("每页条数，默认 50，最多 500")
