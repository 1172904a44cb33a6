"""Read-only, scoped admin views of the 驻村工作组, their members and their log: they change
only through tenure.teams.services (the county's pages)."""

from __future__ import annotations

from django.contrib import admin

from core.admin import ReadOnlyAdmin, ReadOnlyInline
from tenure.teams.models import TeamMember, WorkTeam, WorkTeamEvent


class TeamMemberInline(ReadOnlyInline):
    model = TeamMember
    fields = ["name", "unit_name", "level", "phone", "joined_on", "left_on"]


class WorkTeamEventInline(ReadOnlyInline):
    model = WorkTeamEvent
    fields = ["at", "actor", "actor_role", "action", "member", "on", "note"]


@admin.register(WorkTeam)
class WorkTeamAdmin(ReadOnlyAdmin):
    list_display = ["village", "leader", "formed_on", "dissolved_on", "formed_by"]
    list_filter = ["dissolved_on"]
    inlines = [TeamMemberInline, WorkTeamEventInline]
