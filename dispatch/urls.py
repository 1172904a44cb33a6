from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.health import health
from dispatch import views
from dispatch.passwords import PasswordChangeView

admin.site.site_header = "第一书记选派管理系统 · 管理后台"
admin.site.site_title = "第一书记选派管理系统"
admin.site.index_title = "系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("villages/", include("dispatch.village_urls")),
    path("units/", include("dispatch.unit_urls")),
    path("coverage/", include("dispatch.coverage_urls")),
    path("quotas/", include("dispatch.quota_urls")),
    path("postings/", include("secretaries.urls")),
    path("roster/", include("secretaries.roster_urls")),
    path("annexes/", include("reports.annex_urls")),
    path("submissions/", include("reports.submission_urls")),
    path("dashboard/", include("reports.dashboard_urls")),
    path("office/", include("tenure.urls")),
    path("exports/", include("core.job_urls")),
    path("audit/", include("dispatch.audit_urls")),
    path("admin/", admin.site.urls),
    path("healthz", health, name="health"),
]
