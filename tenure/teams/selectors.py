"""Reads of the 驻村工作组: the teams a user may see, the villages the county may form one for,
a village's and a secretary's team."""

from __future__ import annotations

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from secretaries.models import Posting
from tenure.teams.models import TeamMember, WorkTeam, WorkTeamEvent
from villages.models import Village


def teams_visible_to(user) -> QuerySet[WorkTeam]:
    return (
        WorkTeam.objects.visible_to(user)
        .select_related("village", "village__township", "village__county", "leader__cadre", "leader__unit")
        .annotate(active_members=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by(F("dissolved_on").desc(nulls_first=True), "village__code", "-formed_on")
    )


def villages_for_new_team(user) -> QuerySet[Village]:
    """The 重点难点村 in the user's scope with a secretary in office and no active team."""
    in_office = Posting.objects.filter(village=OuterRef("pk"), state=Posting.State.IN_OFFICE)
    active_team = WorkTeam.objects.filter(village=OuterRef("pk"), dissolved_on__isnull=True)
    return (
        Village.objects.visible_to(user)
        .filter(is_key_difficult=True)
        .filter(Exists(in_office))
        .exclude(Exists(active_team))
        .select_related("township")
        .order_by("code")
    )


def active_members(team: WorkTeam) -> QuerySet[TeamMember]:
    return team.members.filter(left_on__isnull=True).order_by("joined_on", "id")


def team_events(team: WorkTeam) -> QuerySet[WorkTeamEvent]:
    return team.events.select_related("actor", "member").order_by("at", "id")


def active_team_of_village(user, village: Village) -> WorkTeam | None:
    return teams_visible_to(user).filter(village=village, dissolved_on__isnull=True).first()


def active_team_of_posting(posting: Posting) -> WorkTeam | None:
    return WorkTeam.objects.filter(leader=posting, dissolved_on__isnull=True).select_related("village").first()
