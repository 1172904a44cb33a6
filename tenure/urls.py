"""The pages of the time in office, under /office/. Each part keeps its own URL module."""

from django.urls import include, path

app_name = "tenure"

urlpatterns = [
    path("", include("tenure.presence_urls")),  # calendar, presence, months, leave, official absences
    path("", include("tenure.diary_urls")),  # 民情日记, inspections, the secretary's, township's and unit's pages
    path("", include("tenure.account_urls")),  # secretaries' accounts
    path("", include("tenure.assessments.urls")),  # 日常考核, 半年考核, 民主评议, 年终考核, 期满考察
    path("", include("tenure.term.urls")),  # 任期届满, 留任 consent, 调整召回 lists
]
