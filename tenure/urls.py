"""The pages of the time in office, under /office/. Each part keeps its own URL module."""

from django.urls import include, path

app_name = "tenure"

urlpatterns = [
    path("", include("tenure.presence_urls")),  # calendar, presence, months, leave, official absences
    path("", include("tenure.diary_urls")),  # 民情日记, inspections, the secretary's, township's and unit's pages
    path("", include("tenure.account_urls")),  # secretaries' accounts
    path("", include("tenure.care.urls")),  # training, health checks, accident insurance
    path("", include("tenure.teams.urls")),  # 驻村工作组
    path("", include("tenure.workreports.urls")),  # 述职 reports and their hearing
    path("", include("tenure.allowances.urls")),  # allowance rates, monthly statements, year totals
    path("", include("tenure.assessments.urls")),  # 日常考核, 半年考核, 民主评议, 年终考核, 期满考察
    path("", include("tenure.term.urls")),  # 任期届满, 留任 consent, 调整召回 lists
]
