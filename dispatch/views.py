from django.shortcuts import render

from core.navigation import todos_for
from dispatch.selectors import scope_summary


def home(request):
    return render(
        request,
        "dispatch/home.html",
        {"todos": todos_for(request.user), "scope_summary": scope_summary(user=request.user)},
    )
