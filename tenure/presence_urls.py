"""URLs of the time in office (see tenure/urls.py): calendar-based presence, monthly
confirmation, official absences and leave."""

from django.urls import path

from tenure import presence_leave_views as leave
from tenure import presence_views as presence

urlpatterns = [
    path("presence/", presence.my_presence, name="my_presence"),
    path("presence/<int:posting_id>/", presence.presence_detail, name="presence_detail"),
    path("presence/months/", presence.months_page, name="months"),
    path("presence/months/confirm/", presence.month_confirm_view, name="month_confirm"),
    path("presence/months/<int:pk>/reopen/", presence.month_reopen_view, name="month_reopen"),
    path("presence/year/", presence.year_page, name="year"),
    path("absences/", presence.absence_list, name="absences"),
    path("absences/new/", presence.absence_new, name="absence_new"),
    path("leave/", leave.leave_list, name="leave_list"),
    path("leave/new/", leave.leave_new, name="leave_new"),
    path("leave/<int:pk>/", leave.leave_detail, name="leave_detail"),
    path("leave/<int:pk>/approve/", leave.leave_approve_view, name="leave_approve"),
    path("leave/<int:pk>/return/", leave.leave_return_view, name="leave_return"),
    path("leave/<int:pk>/cancel/", leave.leave_cancel_view, name="leave_cancel"),
    path("leave/<int:pk>/close/", leave.leave_close_view, name="leave_close"),
]
