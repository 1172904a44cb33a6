from django.apps import AppConfig

# The time in office has its own row of the menu.
TENURE = "驻村管理"


class TenureConfig(AppConfig):
    """The two years in office: presence, leave, 民情日记, inspections (notice §四, §五)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tenure"
    verbose_name = "驻村管理"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav, register_todo
        from dispatch import roles

        # Presence, leave, the township's monthly confirmation, official absences.
        register_nav(NavItem("我的在岗", "tenure:my_presence", roles.LEAVE_ASK, order=61, group=TENURE))
        register_nav(NavItem("请假", "tenure:leave_list", roles.LEAVE_VIEW, order=62, group=TENURE))
        register_nav(NavItem("月度确认", "tenure:months", roles.CONFIRM_PRESENCE_MONTH, order=63, group=TENURE))
        register_nav(NavItem("年度在岗", "tenure:year", roles.VIEW_COUNTY_PRESENCE, order=64, group=TENURE))
        register_nav(NavItem("公务外出", "tenure:absences", roles.RECORD_OFFICIAL_ABSENCE, order=65, group=TENURE))
        register_todo(presence_todos)

        # 民情日记, inspections, the secretary's own page and the lists of secretaries.
        register_nav(NavItem("我的驻村", "tenure:my_office", roles.OWN_OFFICE, order=60, group=TENURE))
        register_nav(NavItem("驻村第一书记", "tenure:secretary_list", roles.SECRETARIES_IN_OFFICE, order=60, group=TENURE))
        register_nav(NavItem("民情日记", "tenure:diary_list", roles.DIARY_READ, order=66, group=TENURE))
        register_nav(NavItem("巡查抽查", "tenure:inspection_list", roles.INSPECTION_VIEW, order=67, group=TENURE))
        register_todo(diary_todos)

        # Secretaries' accounts, opened and closed with the posting's steps.
        from secretaries.services import postings_transitioned
        from tenure.accounts import account_todos, on_postings_transitioned

        postings_transitioned.connect(on_postings_transitioned, dispatch_uid="tenure_accounts")
        register_nav(NavItem("第一书记账号", "tenure:accounts", roles.TENURE_MANAGE_ACCOUNTS, order=68, group=TENURE))
        register_todo(account_todos)

        # Care and training (§五.3, §五.6) and the 驻村工作组 (§六.2).
        from core.navigation import register_page_panel

        register_nav(NavItem("培训体检保险", "tenure:care_list", roles.CARE_VIEW, order=69, group=TENURE))
        register_nav(NavItem("驻村工作组", "tenure:team_list", roles.TEAM_VIEW, order=70, group=TENURE))
        register_todo(care_todos)
        register_page_panel("village_detail", village_team_panel)

        # 述职 reports and allowances (issue #13 points 1 and 3).
        register_nav(NavItem("述职报告", "tenure:report_list", roles.WORKREPORT_READ, order=71, group=TENURE))
        register_nav(NavItem("驻村补贴", "tenure:allowances", roles.ALLOWANCE_VIEW, order=74, group=TENURE))
        register_todo(report_allowance_todos)

        # Assessments and the end of the term (#13 points 2 and 6).
        from secretaries.transitions import register_guard
        from tenure.term.services import require_term_review, require_unit_consent
        from tenure.term.todos import term_todos

        register_nav(NavItem("考核", "tenure:assessment_list", roles.ASSESSMENT_VIEW, order=72, group=TENURE))
        register_nav(NavItem("任期管理", "tenure:term", roles.TERM_VIEW, order=73, group=TENURE))
        register_todo(term_todos)
        register_guard("end_term", "tenure.term_review", require_term_review)
        register_guard("extend", "tenure.unit_consent", require_unit_consent)


def presence_todos(user):
    """待办 of the township and county: leave the rule table gives them, months to confirm."""
    from django.urls import reverse

    from core.navigation import Todo
    from tenure.leave import leave_to_decide
    from tenure.months import months_waiting

    yield Todo("待审批的请假", leave_to_decide(user).count(), reverse("tenure:leave_list"))
    waiting = months_waiting(user)
    if waiting:
        _, year, month = waiting[0]
        yield Todo(f"待确认{year}年{month}月在岗情况的第一书记", len(waiting), f"{reverse('tenure:months')}?month={year}-{month:02d}")


def diary_todos(user):
    """The secretary's (or township's) own diary drafts not yet submitted: a reminder of what he
    began, never a count of what he has not written (no daily check-in is required)."""
    from django.urls import reverse

    from core.navigation import Todo
    from dispatch import roles
    from tenure.models import DiaryEntry

    if not roles.can(user, roles.DIARY_WRITE):
        return
    drafts = DiaryEntry.objects.visible_to(user).filter(state=DiaryEntry.State.DRAFT, written_by=user).count()
    yield Todo("未提交的民情日记草稿", drafts, reverse("tenure:diary_list") + "?state=draft")


def care_todos(user):
    """The county's and the unit's 待办: their secretaries in office who lack the county's
    任职培训 (the county's line), accident insurance today or for the next 30 days, this year's
    health check."""
    from django.urls import reverse

    from core.navigation import Todo
    from dispatch import roles
    from tenure.care.selectors import lack_counts, reference_day

    county, unit = roles.can(user, roles.CARE_RECORD_TRAINING), roles.can(user, roles.CARE_RECORD_UNIT)
    if not (county or unit):
        return
    day = reference_day(user)
    counts = lack_counts(user, day)
    url = reverse("tenure:care_list") + f"?day={day:%Y-%m-%d}&lack="
    if county:
        yield Todo("未参加任职培训的第一书记", counts["training"], url + "training")
    yield Todo("没有意外险的在任第一书记", counts["insurance"], url + "insurance")
    yield Todo("意外险30天内到期的第一书记", counts["lapsing"], url + "lapsing")
    yield Todo(f"{day.year}年度未体检的第一书记", counts["health"], url + "health")


def village_team_panel(user, village):
    """The village page's section on its 驻村工作组: shown for a 重点难点村 or a village with a team."""
    from core.navigation import HomePanel
    from dispatch import roles
    from tenure.teams.models import WorkTeam
    from tenure.teams.selectors import active_members

    if not roles.can(user, roles.TEAM_VIEW):
        return None
    team = WorkTeam.objects.filter(village=village, dissolved_on__isnull=True).select_related("leader__cadre").first()
    if team is None and not village.is_key_difficult:
        return None
    context = {
        "village": village,
        "team": team,
        "members": list(active_members(team)) if team else [],
        "can_open": team is not None and WorkTeam.objects.visible_to(user).filter(pk=team.pk).exists(),
        "can_form": team is None and roles.can(user, roles.TEAM_MANAGE),
    }
    return HomePanel("tenure/teams/_village_panel.html", context)


def report_allowance_todos(user):
    """The unit's and county's submitted reports not yet heard at their level; the unit's
    statement drawn up but not yet recorded as paid."""
    from django.urls import reverse

    from core.navigation import Todo
    from dispatch import roles
    from tenure.allowances.models import AllowanceStatement
    from tenure.workreports.models import WorkReport
    from tenure.workreports.services import HEARING_LEVEL

    level = HEARING_LEVEL.get(user.role)
    if level is not None and roles.can(user, roles.WORKREPORT_HEAR):
        waiting = WorkReport.objects.visible_to(user).filter(state=WorkReport.State.SUBMITTED).exclude(hearings__level=level).count()
        yield Todo("待登记听取的述职报告", waiting, reverse("tenure:report_list") + "?state=submitted")
    if roles.can(user, roles.ALLOWANCE_PAY):
        unpaid = AllowanceStatement.objects.visible_to(user).filter(state=AllowanceStatement.State.PREPARED).count()
        yield Todo("待登记发放的补贴发放表", unpaid, reverse("tenure:allowances"))
