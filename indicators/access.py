"""Who may read and change the assessment rules: the rule-set pages and API ask here.

Counties' data is decided in counties/access.py in the same style; both read users' roles from
scorecard.roles.
"""

from __future__ import annotations

from scorecard.roles import AnyUser, is_admin, is_city_staff


def can_read_rules(user: AnyUser) -> bool:
    """City staff read rule sets (the API's GET); county users do not."""
    return is_city_staff(user)


def can_configure_rules(user: AnyUser) -> bool:
    """Admins edit, import, publish and preview rule sets."""
    return is_admin(user)
