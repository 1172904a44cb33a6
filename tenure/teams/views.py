"""The 驻村工作组 pages: the list (each reader the teams of its villages, its people, his own), one
team with its members and history, and the county's forms: form a team, a member joins or
leaves, dissolve. Views parse, require the capability, call one service, redirect."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import parse_code
from dispatch import roles
from tenure import selectors as tenure_selectors
from tenure.teams import selectors, services
from tenure.teams.forms import DissolveForm, JoinForm, LeaveForm, MemberFormSet, TeamForm
from tenure.teams.models import TeamMember, WorkTeam
from villages.models import Village

PAGE_SIZE = 50


def team_list(request):
    roles.require(request.user, roles.TEAM_VIEW)
    page = Paginator(selectors.teams_visible_to(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = roles.can(request.user, roles.TEAM_MANAGE)
    return render(
        request,
        "tenure/teams/list.html",
        {
            "page": page,
            "can_manage": can_manage,
            "waiting": selectors.villages_for_new_team(request.user)[:50] if can_manage else [],
        },
    )


def _new_member(data) -> services.NewMember:
    return services.NewMember(
        name=data["name"], id_number=data["id_number"], unit_name=data["unit_name"], level=data["level"], phone=data.get("phone", "")
    )


def team_new(request):
    roles.require(request.user, roles.TEAM_MANAGE)
    villages = Village.objects.visible_to(request.user).select_related("township")
    eligible = selectors.villages_for_new_team(request.user)
    if request.method == "POST":
        form = TeamForm(request.POST, villages=villages, eligible=eligible)
        formset = MemberFormSet(request.POST, prefix="m")
        if form.is_valid() and formset.is_valid():
            members = [_new_member(f.cleaned_data) for f in formset.forms if f.has_changed() and f.cleaned_data]
            try:
                team = services.team_form(
                    village=form.cleaned_data["village"],
                    by=request.user,
                    formed_on=form.cleaned_data["formed_on"],
                    members=members,
                    note=form.cleaned_data["note"],
                )
            except Village.DoesNotExist:
                raise Http404(services.NO_VILLAGE) from None
            except ValidationError as e:
                form.attach(e)
            else:
                messages.success(
                    request, f"已组建{team.village.name}驻村工作组，{len(members)}名成员，由第一书记{team.leader.cadre.name}带领。"
                )
                return redirect("tenure:team_detail", pk=team.pk)
        status = 400
    else:
        code = parse_code(request.GET.get("village"), lengths=(12,))
        form = TeamForm(initial={"village": code, "formed_on": tenure_selectors.today()}, villages=villages, eligible=eligible)
        formset = MemberFormSet(prefix="m")
        status = 200
    return render(request, "tenure/teams/form.html", {"form": form, "formset": formset}, status=status)


def _team_or_404(request, pk: int) -> WorkTeam:
    return get_object_or_404(selectors.teams_visible_to(request.user), pk=pk)


def _detail(request, team: WorkTeam, *, join_form=None, leave_errors=None, dissolve_form=None, status=200):
    can_manage = roles.can(request.user, roles.TEAM_MANAGE) and team.is_active
    today = tenure_selectors.today()
    return render(
        request,
        "tenure/teams/detail.html",
        {
            "team": team,
            "members": team.members.order_by("left_on", "joined_on", "id"),
            "events": selectors.team_events(team),
            "can_manage": can_manage,
            "join_form": join_form or JoinForm(initial={"joined_on": today}),
            "leave_form": LeaveForm(initial={"left_on": today}),
            "leave_errors": leave_errors or [],
            "dissolve_form": dissolve_form or DissolveForm(initial={"on": today}),
        },
        status=status,
    )


def team_detail(request, pk: int):
    roles.require(request.user, roles.TEAM_VIEW)
    return _detail(request, _team_or_404(request, pk))


@require_POST
def team_join(request, pk: int):
    roles.require(request.user, roles.TEAM_MANAGE)
    team = _team_or_404(request, pk)
    form = JoinForm(request.POST)
    if form.is_valid():
        try:
            member = services.team_member_join(
                team=team, by=request.user, member=_new_member(form.cleaned_data), joined_on=form.cleaned_data["joined_on"]
            )
        except ValidationError as e:
            form.attach(e)
        else:
            messages.success(request, f"{member.name}已加入{team.village.name}驻村工作组。")
            return redirect("tenure:team_detail", pk=team.pk)
    return _detail(request, team, join_form=form, status=400)


@require_POST
def member_leave(request, pk: int):
    roles.require(request.user, roles.TEAM_MANAGE)
    member = get_object_or_404(TeamMember.objects.visible_to(request.user).select_related("team"), pk=pk)
    team = _team_or_404(request, member.team_id)
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_leave(member=member, by=request.user, left_on=form.cleaned_data["left_on"], note=form.cleaned_data["note"])
        except ValidationError as e:
            errors = e.messages
        else:
            messages.success(request, f"{member.name}已离开{team.village.name}驻村工作组。")
            return redirect("tenure:team_detail", pk=team.pk)
    else:
        errors = [error for field_errors in form.errors.values() for error in field_errors]
    return _detail(request, team, leave_errors=[f"{member.name}：{error}" for error in errors], status=400)


@require_POST
def team_dissolve(request, pk: int):
    roles.require(request.user, roles.TEAM_MANAGE)
    team = _team_or_404(request, pk)
    form = DissolveForm(request.POST)
    if form.is_valid():
        try:
            services.team_dissolve(team=team, by=request.user, on=form.cleaned_data["on"], note=form.cleaned_data["note"])
        except ValidationError as e:
            form.attach(e)
        else:
            messages.success(request, f"{team.village.name}驻村工作组已撤销。")
            return redirect("tenure:team_detail", pk=team.pk)
    return _detail(request, team, dissolve_form=form, status=400)
