from django.http import HttpRequest

from counties.access import can_review, can_see_completeness, may_open_department_entry
from indicators.access import can_configure_rules
from rankings.access import can_read_stability
from supervision.selectors import unread_count
from targets.access import can_view_targets


def permissions(request: HttpRequest) -> dict[str, object]:
    """What the signed-in user may open, as flags for the base layout's menu: templates get
    flags from the apps' access modules, never role names."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may": {}}
    return {
        "may": {
            "see_completeness": can_see_completeness(user),
            "review": can_review(user),
            "run_stability": can_read_stability(user),
            "configure_rules": can_configure_rules(user),
            "view_targets": can_view_targets(user),
            "see_departments": may_open_department_entry(user),
        },
        "unread": unread_count(user),
    }
