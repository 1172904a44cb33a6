"""The personal-data access log (#14 point 3): every page or file that shows full 身份证号 or
phone numbers writes one ``PersonalDataAccess`` row — who, what, how many people, when, from
where. Views and exports call ``record`` once, after deciding to show the full data."""

from __future__ import annotations

from core.models import PersonalDataAccess
from core.security import client_ip


def record(request, *, what: str, people: int) -> PersonalDataAccess | None:
    """Log that ``request.user`` was shown ``people`` people's full data in ``what``. Nothing
    is written for nobody shown."""
    if people <= 0:
        return None
    user = request.user if request.user.is_authenticated else None
    return PersonalDataAccess.objects.create(
        user=user,
        username=user.get_username() if user else "",
        what=what[:200],
        path=request.get_full_path()[:500],
        people=people,
        ip_address=client_ip(request),
    )
