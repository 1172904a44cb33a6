from django.shortcuts import render

from core.navigation import home_panels_for, todos_for
from core.scope import Scope
from dispatch.selectors import scope_summary


def home(request):
    user = request.user
    # A dispatching unit's staff see their unit's own figures (a home panel of the reports app),
    # not the counts of the regions of the province, which are not theirs to manage.
    own_unit = Scope.of(user).unit_id is not None
    return render(
        request,
        "dispatch/home.html",
        {
            "todos": todos_for(user),
            "scope_summary": [] if own_unit else scope_summary(user=user),
            "panels": home_panels_for(user),
        },
    )
