"""Who may do what: the one capability table.

Each role of DESIGN.md holds a set of capabilities (``ROLE_CAPABILITIES``); a capability is one
thing a user may do (open a page, take a pipeline step, decide a submission), with the label a
refusal names and the Django permissions it needs where the admin or django-import-export look
at permissions. Everything else is derived from this table:

- views call ``require(user, capability)`` (403 with the capability's label in Chinese);
- the navigation shows an entry to the users who ``can`` its capability;
- the pipeline's transitions, their bulk actions and admin actions name the capability that
  takes them (``secretaries.transitions``); the 待办 list counts what those capabilities wait for;
- each role's Django group gets exactly the permissions of its capabilities
  (``sync_role_groups``, after every ``migrate`` and as ``manage.py sync_roles``).

Scope is not here: what a user may see is ``User.scope`` and ``visible_to``; this table says
what the user may do with what it sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db import transaction

# Views call ``roles.require(user, roles.X)``: 403 with the capability's label in Chinese.
from core.navigation import require as require
from dispatch.models import Role


@dataclass(frozen=True)
class Capability:
    name: str
    label: str  # what the refusal says the role may not do: 您的角色无权{label}。
    permissions: tuple[str, ...] = ()  # the Django permissions it needs (admin, import-export)

    def __str__(self) -> str:
        return self.name

    def held_by(self, user) -> bool:
        return can(user, self)


def _cap(name: str, label: str, *permissions: str) -> Capability:
    return Capability(name, label, permissions)


# --- villages --------------------------------------------------------------------------------
VIEW_VILLAGES = _cap("villages.view", "查看村庄", "villages.view_region", "villages.view_village")
EXPORT_VILLAGES = _cap("villages.export", "导出村名单", "villages.export_village")
IMPORT_VILLAGES = _cap("villages.import", "导入村名单", "villages.import_village")
EDIT_VILLAGES = _cap("villages.edit", "修改村和区划", "villages.change_region", "villages.change_village")
VIEW_IMPORT_HISTORY = _cap("imports.history", "查看导入记录", "core.view_importbatch")
# --- units, quotas, coverage ------------------------------------------------------------------
VIEW_UNITS = _cap("units.view", "查看派出单位", "dispatch.view_dispatchingunit")
EXPORT_UNITS = _cap("units.export", "导出派出单位", "dispatch.export_dispatchingunit")
IMPORT_UNITS = _cap("units.import", "导入派出单位", "dispatch.import_dispatchingunit")
EDIT_UNITS = _cap("units.edit", "新增或修改派出单位", "dispatch.add_dispatchingunit", "dispatch.change_dispatchingunit")
VIEW_QUOTAS = _cap("quotas.view", "查看名额分配", "dispatch.view_quotaallocation")
# 附表2: the province sets provincial units' quotas (notice §一.2); everyone else reads them.
EDIT_QUOTAS = _cap("quotas.edit", "修改名额分配", "dispatch.change_quotaallocation", "dispatch.import_quotaallocation")
VIEW_COVERAGE = _cap("coverage.view", "查看选派覆盖计划")
# --- users and campaigns ---------------------------------------------------------------------
VIEW_USERS = _cap("users.view", "查看用户", "dispatch.view_user")
MANAGE_USERS = _cap("users.manage", "管理用户", "dispatch.add_user", "dispatch.change_user")
MANAGE_CAMPAIGNS = _cap("campaigns.manage", "管理选派批次", "dispatch.view_campaign", "dispatch.add_campaign", "dispatch.change_campaign")
# --- cadres and postings ---------------------------------------------------------------------
VIEW_POSTINGS = _cap("postings.view", "查看选派人选", "secretaries.view_posting", "secretaries.view_postingevent")
SEE_FULL_ID_NUMBERS = _cap("postings.full_id", "查看完整身份证号")
VIEW_ROSTER = _cap("roster.view", "查看报名人员名单", "secretaries.view_cadre")
EXPORT_ROSTER = _cap("roster.export", "导出报名人员名单", "secretaries.export_cadre")
IMPORT_ROSTER = _cap("roster.import", "导入报名人员名单", "secretaries.import_cadre")
EDIT_CADRES = _cap("cadres.edit", "修改干部信息", "secretaries.change_cadre")
# One capability per pipeline step (notice §三); secretaries.transitions names them.
REGISTER_CADRES = _cap("cadres.register", "登记本单位人员")
POSTING_APPLY = _cap("posting.apply", "登记报名")
POSTING_QUALIFY = _cap("posting.qualify", "资格审查")
POSTING_REJECT = _cap("posting.reject", "资格审查")
POSTING_RECOMMEND = _cap("posting.recommend", "组织推荐")
POSTING_WITHDRAW = _cap("posting.withdraw", "撤回人选")
POSTING_APPROVE = _cap("posting.approve", "审核省直单位人选")
POSTING_RETURN = _cap("posting.return", "退回人选")
POSTING_FILE = _cap("posting.file", "审核备案")
POSTING_ASSIGN = _cap("posting.assign", "分配到村")
POSTING_TAKE_OFFICE = _cap("posting.take_office", "办理履岗任职")
POSTING_END_TERM = _cap("posting.end_term", "办理期满免职")
POSTING_EXTEND = _cap("posting.extend", "办理留任")
POSTING_RECALL = _cap("posting.recall", "调整召回")
# --- the time in office (tenure) ----------------------------------------------------------------
# The county issues and resets its secretaries' first passwords (accounts open at 履岗任职).
TENURE_MANAGE_ACCOUNTS = _cap("tenure.accounts", "管理第一书记账号")
# --- annexes, submissions, dashboards ----------------------------------------------------------
VIEW_ANNEXES = _cap("annexes.view", "查看台账和统计表")
VIEW_DASHBOARD = _cap("dashboard.view", "查看统计图表")
VIEW_LEDGER_STATUS = _cap("dashboard.ledger_status", "查看台账报送情况")
VIEW_SUBMISSIONS = _cap("submissions.view", "查看报送", "reports.view_submission", "reports.view_submissionevent")
SUBMIT_COUNTY_LEDGER = _cap("submissions.submit_county", "报送本县台账", "reports.submit_county_ledger")
SUBMIT_CITY_LEDGER = _cap("submissions.submit_city", "报送本市汇总台账", "reports.submit_city_ledger")
DECIDE_COUNTY_LEDGER = _cap("submissions.decide_county", "接收或退回县级台账", "reports.decide_county_ledger")
DECIDE_CITY_LEDGER = _cap("submissions.decide_city", "接收或退回市级台账", "reports.decide_city_ledger")
MANAGE_DEADLINES = _cap(
    "submissions.deadlines", "设置报送期限", "reports.view_countydeadline", "reports.add_countydeadline", "reports.change_countydeadline"
)
MANAGE_LOGIN_LOCKS = _cap(
    "security.logins",
    "查看登录记录和解除登录锁定",
    "core.view_loginlock",
    "core.delete_loginlock",
    "core.view_loginrecord",
    "core.view_loginfailure",
)
# --- the audit trail and the personal-data access log (#14 points 2 and 3) --------------------
VIEW_AUDIT = _cap("audit.view", "查看审计记录")
# Phones of cadres in full (pages and files); the others see 138****1234 (core.masking).
SEE_PHONES = _cap("cadres.phones", "查看完整联系电话")
# --- the time in office: 民情日记, inspections, the secretaries' pages (tenure) ----------------
DIARY_WRITE = _cap("tenure.diary.write", "填写民情日记")
DIARY_READ = _cap("tenure.diary.read", "查阅民情日记")
INSPECTION_RECORD = _cap("tenure.inspection.record", "登记巡查抽查")
INSPECTION_VIEW = _cap("tenure.inspection.view", "查看巡查抽查记录")
OWN_OFFICE = _cap("tenure.own_office", "查看本人驻村情况")
SECRETARIES_IN_OFFICE = _cap("tenure.secretaries", "查看驻村第一书记")
# Who reads the diaries, inspections and the list of secretaries in office (their scope decides whose).
_TENURE_READERS = {DIARY_READ, INSPECTION_VIEW, SECRETARIES_IN_OFFICE}

# What every organization department reads.
_DEPARTMENT = {
    VIEW_VILLAGES,
    EXPORT_VILLAGES,
    VIEW_UNITS,
    EXPORT_UNITS,
    VIEW_QUOTAS,
    VIEW_COVERAGE,
    VIEW_POSTINGS,
    VIEW_ANNEXES,
    VIEW_DASHBOARD,
}

ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.ADMIN: frozenset(
        {
            *_DEPARTMENT,
            MANAGE_LOGIN_LOCKS,
            IMPORT_VILLAGES,
            EDIT_VILLAGES,
            VIEW_IMPORT_HISTORY,
            IMPORT_UNITS,
            EDIT_UNITS,
            EDIT_QUOTAS,
            VIEW_USERS,
            MANAGE_USERS,
            MANAGE_CAMPAIGNS,
            SEE_FULL_ID_NUMBERS,
            VIEW_ROSTER,
            EDIT_CADRES,
            VIEW_LEDGER_STATUS,
            VIEW_SUBMISSIONS,
            MANAGE_DEADLINES,
            TENURE_MANAGE_ACCOUNTS,
        }
    ),
    Role.PROVINCIAL_ORG: frozenset(
        {
            *_DEPARTMENT,
            IMPORT_VILLAGES,
            VIEW_IMPORT_HISTORY,
            IMPORT_UNITS,
            EDIT_UNITS,
            EDIT_QUOTAS,
            VIEW_USERS,
            SEE_FULL_ID_NUMBERS,
            VIEW_ROSTER,
            EXPORT_ROSTER,
            POSTING_FILE,
            VIEW_LEDGER_STATUS,
            VIEW_SUBMISSIONS,
            DECIDE_CITY_LEDGER,
            *_TENURE_READERS,
        }
    ),
    # 省扶贫办 approves or returns provincial units' candidates (notice §三); it reads, but keeps no ledger.
    Role.POVERTY_OFFICE: frozenset({*_DEPARTMENT, POSTING_APPROVE, POSTING_RETURN}),
    Role.CITY_ORG: frozenset(
        {
            *_DEPARTMENT,
            VIEW_IMPORT_HISTORY,
            IMPORT_UNITS,
            VIEW_USERS,
            SEE_FULL_ID_NUMBERS,
            VIEW_ROSTER,
            EXPORT_ROSTER,
            POSTING_FILE,
            VIEW_LEDGER_STATUS,
            VIEW_SUBMISSIONS,
            DECIDE_COUNTY_LEDGER,
            SUBMIT_CITY_LEDGER,
            *_TENURE_READERS,
        }
    ),
    # 县委组织部 imports the village lists of its own county (the import's scope check sees to "own"),
    # files its county units' candidates, assigns every secretary sent to it and manages the term.
    Role.COUNTY_ORG: frozenset(
        {
            *_DEPARTMENT,
            IMPORT_VILLAGES,
            VIEW_IMPORT_HISTORY,
            IMPORT_UNITS,
            VIEW_USERS,
            SEE_FULL_ID_NUMBERS,
            VIEW_ROSTER,
            EXPORT_ROSTER,
            POSTING_FILE,
            POSTING_ASSIGN,
            POSTING_TAKE_OFFICE,
            POSTING_END_TERM,
            POSTING_EXTEND,
            POSTING_RECALL,
            VIEW_LEDGER_STATUS,
            VIEW_SUBMISSIONS,
            SUBMIT_COUNTY_LEDGER,
            TENURE_MANAGE_ACCOUNTS,
            *_TENURE_READERS,
            INSPECTION_RECORD,
        }
    ),
    # 乡镇党委 sees its villages and their secretaries; the plan and the quotas are the departments'.
    # It manages its secretaries day to day: reads their diaries (and enters one for a secretary),
    # records inspections (notice §五).
    Role.TOWNSHIP: frozenset({VIEW_VILLAGES, EXPORT_VILLAGES, VIEW_COVERAGE, *_TENURE_READERS, DIARY_WRITE, INSPECTION_RECORD}),
    Role.UNIT: frozenset(
        {
            VIEW_VILLAGES,
            EXPORT_VILLAGES,
            VIEW_UNITS,
            EXPORT_UNITS,
            VIEW_QUOTAS,
            VIEW_POSTINGS,
            SEE_FULL_ID_NUMBERS,
            IMPORT_ROSTER,
            EXPORT_ROSTER,
            REGISTER_CADRES,
            POSTING_APPLY,
            POSTING_QUALIFY,
            POSTING_REJECT,
            POSTING_RECOMMEND,
            POSTING_WITHDRAW,
            *_TENURE_READERS,
        }
    ),
    # His own records only (his scope): writes his 民情日记, reads his inspections.
    Role.SECRETARY: frozenset({VIEW_VILLAGES, OWN_OFFICE, DIARY_WRITE, DIARY_READ, INSPECTION_VIEW}),
    # The audit pages and nothing else: no village, unit, cadre or posting page, and no write.
    Role.AUDITOR: frozenset({VIEW_AUDIT}),
}
# Who calls or writes to the cadres needs their phones: the departments that manage them, their
# units, the township that sees them daily. 省扶贫办 approves candidates on paper and needs none.
for _role in (Role.ADMIN, Role.PROVINCIAL_ORG, Role.CITY_ORG, Role.COUNTY_ORG, Role.TOWNSHIP, Role.UNIT):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {SEE_PHONES}


# --- tenure: calendar, presence, leave, monthly confirmation (issue #12 points 2–4) ------------
VIEW_PRESENCE = _cap("tenure.presence.view", "查看在岗情况", "tenure.view_presencemonth")
VIEW_COUNTY_PRESENCE = _cap("tenure.presence.year", "查看全部第一书记的年度在岗情况")
CONFIRM_PRESENCE_MONTH = _cap("tenure.month.confirm", "确认月度在岗情况")
REOPEN_PRESENCE_MONTH = _cap("tenure.month.reopen", "重新打开已确认的月份")
RECORD_OFFICIAL_ABSENCE = _cap("tenure.absence.record", "登记公务外出", "tenure.view_officialabsence")
LEAVE_ASK = _cap("tenure.leave.ask", "请假")
LEAVE_VIEW = _cap("tenure.leave.view", "查看请假", "tenure.view_leaverequest", "tenure.view_leaveevent")
LEAVE_APPROVE_TOWNSHIP = _cap("tenure.leave.approve_township", "审批请假（乡镇党委）")
LEAVE_APPROVE_COUNTY = _cap("tenure.leave.approve_county", "审批请假（县委组织部）")
LEAVE_CLOSE = _cap("tenure.leave.close", "办理销假")
EDIT_CALENDAR = _cap(
    "tenure.calendar.edit",
    "维护工作日历和请假审批规则",
    *(f"tenure.{a}_{m}" for m in ("calendaryear", "calendarday", "leaveapprovalrule") for a in ("view", "add", "change", "delete")),
)
# Which capability approves for the role a LeaveApprovalRule names.
LEAVE_APPROVER_CAPABILITY = {Role.TOWNSHIP: LEAVE_APPROVE_TOWNSHIP, Role.COUNTY_ORG: LEAVE_APPROVE_COUNTY}

_TENURE_PRESENCE_CAPABILITIES = {
    Role.ADMIN: {VIEW_PRESENCE, VIEW_COUNTY_PRESENCE, LEAVE_VIEW, EDIT_CALENDAR},
    Role.PROVINCIAL_ORG: {VIEW_PRESENCE, VIEW_COUNTY_PRESENCE, LEAVE_VIEW},
    Role.CITY_ORG: {VIEW_PRESENCE, VIEW_COUNTY_PRESENCE, LEAVE_VIEW},
    # The county approves longer leave, records training and meetings, and may reopen a month.
    Role.COUNTY_ORG: {
        VIEW_PRESENCE,
        VIEW_COUNTY_PRESENCE,
        LEAVE_VIEW,
        LEAVE_APPROVE_COUNTY,
        LEAVE_CLOSE,
        RECORD_OFFICIAL_ABSENCE,
        REOPEN_PRESENCE_MONTH,
    },
    # The township manages its secretaries day to day: short leave, the monthly confirmation.
    Role.TOWNSHIP: {
        VIEW_PRESENCE,
        LEAVE_VIEW,
        LEAVE_APPROVE_TOWNSHIP,
        LEAVE_CLOSE,
        RECORD_OFFICIAL_ABSENCE,
        CONFIRM_PRESENCE_MONTH,
        REOPEN_PRESENCE_MONTH,
    },
    Role.UNIT: {VIEW_PRESENCE, LEAVE_VIEW},
    Role.SECRETARY: {VIEW_PRESENCE, LEAVE_VIEW, LEAVE_ASK, LEAVE_CLOSE},
}
for _role, _held in _TENURE_PRESENCE_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | frozenset(_held)

# --- background exports (core.jobs): 我的导出 for every role that may start one -------------------
VIEW_OWN_EXPORTS = _cap("exports.own", "查看我的导出")
for _role, _held in list(ROLE_CAPABILITIES.items()):
    if _held & {EXPORT_VILLAGES, VIEW_ANNEXES}:
        ROLE_CAPABILITIES[_role] = _held | {VIEW_OWN_EXPORTS}


# --- tenure: care and training, work teams (issue #13 points 4 and 5) --------------------------
CARE_VIEW = _cap(
    "tenure.care.view", "查看培训、体检和意外险情况", "tenure.view_training", "tenure.view_healthcheck", "tenure.view_insurance"
)
# §五.3: the county trains every new secretary (任职培训) and records later training too.
CARE_RECORD_TRAINING = _cap("tenure.care.training", "登记培训")
# §五.6: the dispatching unit arranges health checks and accident insurance for its people.
CARE_RECORD_UNIT = _cap("tenure.care.unit", "登记体检和意外险")
TEAM_VIEW = _cap("tenure.teams.view", "查看驻村工作组", "tenure.view_workteam", "tenure.view_teammember", "tenure.view_workteamevent")
# §六.2: the county forms a 驻村工作组 for a 重点难点村 and changes its members.
TEAM_MANAGE = _cap("tenure.teams.manage", "组建和调整驻村工作组")

_TENURE_CARE_CAPABILITIES = {
    Role.ADMIN: {CARE_VIEW, TEAM_VIEW},
    Role.PROVINCIAL_ORG: {CARE_VIEW, TEAM_VIEW},
    Role.CITY_ORG: {CARE_VIEW, TEAM_VIEW},
    Role.COUNTY_ORG: {CARE_VIEW, CARE_RECORD_TRAINING, TEAM_VIEW, TEAM_MANAGE},
    Role.TOWNSHIP: {CARE_VIEW, TEAM_VIEW},
    Role.UNIT: {CARE_VIEW, CARE_RECORD_UNIT, TEAM_VIEW},
    # His own records are on his page (/office/me/); his team there and on its own page.
    Role.SECRETARY: {TEAM_VIEW},
}
for _role, _held in _TENURE_CARE_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | frozenset(_held)


# --- tenure: work reports (述职) and allowances (issue #13 points 1 and 3) ----------------------
WORKREPORT_WRITE = _cap("tenure.workreport.write", "填写述职报告")
WORKREPORT_READ = _cap("tenure.workreport.read", "查阅述职报告", "tenure.view_workreport", "tenure.view_workreporthearing")
# The unit hears its own people's reports, the county its villages' (notice §五.4).
WORKREPORT_HEAR = _cap("tenure.workreport.hear", "登记听取述职")
ALLOWANCE_VIEW = _cap("tenure.allowance.view", "查看补贴", "tenure.view_allowanceline", "tenure.view_allowancestatement")
# The unit draws up its monthly statement and records that it was paid.
ALLOWANCE_PAY = _cap("tenure.allowance.pay", "编制和发放补贴")
ALLOWANCE_RATES = _cap(
    "tenure.allowance.rates",
    "设置补贴标准",
    *(f"tenure.{a}_{m}" for m in ("allowancerate", "allowancefloor") for a in ("view", "add")),
)

_TENURE_REPORT_ALLOWANCE_CAPABILITIES = {
    Role.ADMIN: {WORKREPORT_READ, ALLOWANCE_VIEW, ALLOWANCE_RATES},
    Role.PROVINCIAL_ORG: {WORKREPORT_READ, ALLOWANCE_VIEW},
    Role.CITY_ORG: {WORKREPORT_READ, ALLOWANCE_VIEW},
    Role.COUNTY_ORG: {WORKREPORT_READ, WORKREPORT_HEAR, ALLOWANCE_VIEW},
    Role.TOWNSHIP: {WORKREPORT_READ, ALLOWANCE_VIEW},
    Role.UNIT: {WORKREPORT_READ, WORKREPORT_HEAR, ALLOWANCE_VIEW, ALLOWANCE_PAY},
    Role.SECRETARY: {WORKREPORT_WRITE, WORKREPORT_READ, ALLOWANCE_VIEW},
}
for _role, _held in _TENURE_REPORT_ALLOWANCE_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | frozenset(_held)


# --- tenure: assessments and the end of the term (issue #13 points 2 and 6) --------------------
ASSESSMENT_VIEW = _cap(
    "tenure.assessment.view",
    "查看考核",
    "tenure.view_assessment",
    "tenure.view_democraticevaluation",
    "tenure.view_assessmentevent",
)
# The township's monthly or quarterly notes, and the 民主评议 it organizes in the village.
ASSESSMENT_DAILY = _cap("tenure.assessment.daily", "登记日常考核")
DEMOCRATIC_EVALUATION_RECORD = _cap("tenure.assessment.evaluation", "登记民主评议")
# The county's 半年考核, 年终考核 (its opinion for the unit) and the 期满考察 it holds with the unit.
ASSESSMENT_RECORD = _cap("tenure.assessment.record", "登记半年考核、年终考核和期满考察")
ASSESSMENT_ACKNOWLEDGE = _cap("tenure.assessment.acknowledge", "确认县委组织部的考核意见")
ASSESSMENT_SETTINGS = _cap(
    "tenure.assessment.settings",
    "设置优秀比例",
    "tenure.view_assessmentsetting",
    "tenure.add_assessmentsetting",
    "tenure.change_assessmentsetting",
)
TERM_VIEW = _cap("tenure.term.view", "查看任期届满和调整召回情况", "tenure.view_extensionconsent")
EXTENSION_CONSENT = _cap("tenure.term.consent", "同意第一书记留任")

_TENURE_ASSESSMENT_CAPABILITIES = {
    Role.ADMIN: {ASSESSMENT_VIEW, ASSESSMENT_SETTINGS, TERM_VIEW},
    Role.PROVINCIAL_ORG: {ASSESSMENT_VIEW, ASSESSMENT_SETTINGS, TERM_VIEW},
    Role.CITY_ORG: {ASSESSMENT_VIEW, TERM_VIEW},
    Role.COUNTY_ORG: {ASSESSMENT_VIEW, ASSESSMENT_RECORD, TERM_VIEW},
    Role.TOWNSHIP: {ASSESSMENT_VIEW, ASSESSMENT_DAILY, DEMOCRATIC_EVALUATION_RECORD},
    Role.UNIT: {ASSESSMENT_VIEW, ASSESSMENT_ACKNOWLEDGE, EXTENSION_CONSENT, TERM_VIEW},
    Role.SECRETARY: {ASSESSMENT_VIEW},
}
for _role, _held in _TENURE_ASSESSMENT_CAPABILITIES.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | frozenset(_held)


def capabilities_of(user) -> frozenset[Capability]:
    """What this user may do: its role's capabilities (a superuser: the administrator's too)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return frozenset()
    held = ROLE_CAPABILITIES.get(user.role, frozenset())
    if user.is_superuser:
        held |= ROLE_CAPABILITIES[Role.ADMIN]
    return held


def can(user, capability: Capability) -> bool:
    return capability in capabilities_of(user)


def roles_that(capability: Capability) -> frozenset[str]:
    return frozenset(role for role, held in ROLE_CAPABILITIES.items() if capability in held)


# Each role's Django group holds exactly its capabilities' permissions.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    role: sorted({permission for capability in held for permission in capability.permissions}) for role, held in ROLE_CAPABILITIES.items()
}


def role_group_name(role: str) -> str:
    return Role(role).label


@transaction.atomic
def sync_role_groups() -> list[str]:
    """Create each role's group and set its permissions to exactly ROLE_PERMISSIONS.
    Returns what changed, one line per group, for the command's output."""
    changes = []
    for role in Role:
        wanted = set(ROLE_PERMISSIONS.get(role, []))
        perms = []
        for name in sorted(wanted):
            app_label, codename = name.split(".")
            try:
                perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
            except Permission.DoesNotExist:
                raise LookupError(f"ROLE_PERMISSIONS names {name}, which does not exist") from None
        group, created = Group.objects.get_or_create(name=role_group_name(role))
        current = set(group.permissions.values_list("id", flat=True))
        if created or current != {p.id for p in perms}:
            group.permissions.set(perms)
            changes.append(f"{group.name}: {len(perms)} 项权限")
    return changes


def sync_role_groups_after_migrate(sender, **kwargs) -> None:
    # post_migrate is sent once per installed app that has models, in INSTALLED_APPS order, and
    # auth creates each app's permissions on that app's signal: only after the last one do all
    # permissions exist.
    last = [a for a in apps.get_app_configs() if a.models_module is not None][-1]
    if sender.label == last.label:
        sync_role_groups()
