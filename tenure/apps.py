from django.apps import AppConfig


class TenureConfig(AppConfig):
    """The two years in office: presence, leave, 民情日记, inspections (notice §四, §五)."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "tenure"
    verbose_name = "驻村管理"

    def ready(self) -> None:
        from core.navigation import NavItem, register_nav, register_todo
        from dispatch import roles

        # Presence, leave, the township's monthly confirmation, official absences.
        register_nav(NavItem("我的在岗", "tenure:my_presence", roles.LEAVE_ASK, order=61))
        register_nav(NavItem("请假", "tenure:leave_list", roles.LEAVE_VIEW, order=62))
        register_nav(NavItem("月度确认", "tenure:months", roles.CONFIRM_PRESENCE_MONTH, order=63))
        register_nav(NavItem("年度在岗", "tenure:year", roles.VIEW_COUNTY_PRESENCE, order=64))
        register_nav(NavItem("公务外出", "tenure:absences", roles.RECORD_OFFICIAL_ABSENCE, order=65))
        register_todo(presence_todos)

        # 民情日记, inspections, the secretary's own page and the lists of secretaries.
        register_nav(NavItem("我的驻村", "tenure:my_office", roles.OWN_OFFICE, order=60))
        register_nav(NavItem("驻村第一书记", "tenure:secretary_list", roles.SECRETARIES_IN_OFFICE, order=60))
        register_nav(NavItem("民情日记", "tenure:diary_list", roles.DIARY_READ, order=66))
        register_nav(NavItem("巡查抽查", "tenure:inspection_list", roles.INSPECTION_VIEW, order=67))
        register_todo(diary_todos)

        # Secretaries' accounts, opened and closed with the posting's steps.
        from secretaries.services import postings_transitioned
        from tenure.accounts import account_todos, on_postings_transitioned

        postings_transitioned.connect(on_postings_transitioned, dispatch_uid="tenure_accounts")
        register_nav(NavItem("第一书记账号", "tenure:accounts", roles.TENURE_MANAGE_ACCOUNTS, order=68))
        register_todo(account_todos)

        # Assessments and the end of the term (#13 points 2 and 6).
        from secretaries.transitions import register_guard
        from tenure.term.services import require_term_review, require_unit_consent
        from tenure.term.todos import term_todos

        register_nav(NavItem("考核", "tenure:assessment_list", roles.ASSESSMENT_VIEW, order=69))
        register_nav(NavItem("任期管理", "tenure:term", roles.TERM_VIEW, order=70))
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
