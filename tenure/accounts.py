"""Secretaries' accounts (issue #12, point 1).

Taking office (履岗任职, ``secretaries.transitions`` ``take_office``) opens the cadre's account:
a user of role 第一书记 scoped to his own posting (``User.scope`` reads the SecretaryAccount),
its region the township of his village (the role's region level, ``User.clean``). The account
is opened in the same transaction as the step (``secretaries.services.postings_transitioned``,
connected in ``TenureConfig.ready``), so it exists iff the step happened, whichever way the step
was taken: the posting page, the admin's action, a batch, the demo.

The account opens without a usable password: the county's organization department issues the
first password on its accounts page (``account_password_issue``), prints the 开通通知 with the
user name and that password, and hands it over; the secretary must set his own at his first
login (``dispatch.passwords``). A reset is the same step again. Only the hash is stored, and
the password is shown once, on the notice.

Ending the posting (期满免职, 调整召回) deactivates the account; the account, the user and the
records of the time in office stay.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from dispatch import roles
from dispatch.models import Role, User
from dispatch.passwords import first_password_set
from dispatch.roles import role_group_name
from secretaries.models import Posting
from tenure.models import SecretaryAccount

USERNAME_PREFIX = "sj"  # 书记
OPENING_ACTIONS = ("take_office",)
CLOSING_ACTIONS = ("end_term", "recall")
CHUNK = 900  # ids per IN (…): under SQLite's 999 parameters of older builds


def username_for(posting_id: int, taken: set[str]) -> str:
    """sj<posting id>: short, unique by construction, and revealing nothing about the person
    (never the 身份证号); a suffix in the unlikely case someone already took it."""
    name, n = f"{USERNAME_PREFIX}{posting_id}", 1
    while name in taken:
        n += 1
        name = f"{USERNAME_PREFIX}{posting_id}-{n}"
    return name


def _unusable_password() -> str:
    # What make_password(None) stores (a prefix Django reads as "no password" and a random
    # tail), without its 40 calls of secrets.choice per account: the demo opens 9,395 at once.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


@transaction.atomic
def accounts_open(*, postings: Sequence[Posting], at=None, by: User | None = None) -> list[SecretaryAccount]:
    """Open the accounts of these postings in office (those without one), in a constant number
    of queries per thousand: the demo opens 9,395 at once. The users get no usable password
    until the county issues the first one."""
    ids = [p.pk for p in postings]
    rows = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows.update(
            (row[0], row)
            for row in Posting.objects.filter(pk__in=chunk)
            .exclude(account__isnull=False)
            .values_list("pk", "state", "village__township_id", "cadre__name", "cadre__phone")
        )
    todo = [rows[pk] for pk in ids if pk in rows]
    for _, state, township_id, name, _ in todo:
        if state != Posting.State.IN_OFFICE or township_id is None:
            raise ValidationError(f"{name}尚未履岗任职，不能开通第一书记账号。")
    if not todo:
        return []
    wanted = [f"{USERNAME_PREFIX}{row[0]}" for row in todo]
    taken = set()
    for start in range(0, len(wanted), CHUNK):
        taken.update(User.objects.filter(username__in=wanted[start : start + CHUNK]).values_list("username", flat=True))
    now = at or timezone.now()
    users = []
    for posting_id, _, township_id, name, phone in todo:
        username = username_for(posting_id, taken)
        taken.add(username)
        users.append(
            User(
                username=username,
                password=_unusable_password(),  # until the county issues the first password
                full_name=name,
                phone=phone,
                role=Role.SECRETARY,
                region_id=township_id,  # the role's region level: his village's township
                must_change_password=True,
                date_joined=now,
            )
        )
    User.objects.bulk_create(users, batch_size=2000)
    group = Group.objects.get(name=role_group_name(Role.SECRETARY))
    Membership = User.groups.through
    Membership.objects.bulk_create([Membership(user_id=u.pk, group_id=group.pk) for u in users], batch_size=2000)
    accounts = [SecretaryAccount(user=u, posting_id=row[0], created_at=now) for u, row in zip(users, todo, strict=True)]
    accounts = SecretaryAccount.objects.bulk_create(accounts, batch_size=2000)
    # The audit trail, in bulk: the demo opens 9,395 accounts at once.
    audit.bulk_created(users, by=by)
    audit.bulk_created(accounts, by=by)
    return accounts


@transaction.atomic
def accounts_close(*, postings: Sequence[Posting], by: User | None = None) -> int:
    """Deactivate the accounts of postings that ended: their owners can no longer log in (a
    session already open ends at its next request). The records stay. Returns how many."""
    ids = [p.pk for p in postings]
    closed = 0
    for start in range(0, len(ids), CHUNK):
        user_ids = list(
            User.objects.filter(secretary_account__posting_id__in=ids[start : start + CHUNK], is_active=True).values_list("pk", flat=True)
        )
        closed += User.objects.filter(pk__in=user_ids).update(is_active=False)
        audit.bulk_changed(User, user_ids, by=by)
    return closed


def on_postings_transitioned(sender, *, action: str, postings: Iterable[Posting], by: User, at=None, **kwargs) -> None:
    """The hook (secretaries.services.postings_transitioned): inside the step's transaction."""
    if action in OPENING_ACTIONS:
        accounts_open(postings=list(postings), at=at, by=by)
    elif action in CLOSING_ACTIONS:
        accounts_close(postings=list(postings), by=by)


@transaction.atomic
def account_password_issue(*, account: SecretaryAccount, by: User) -> str:
    """The county issues a first password for one of its secretaries (the 开通通知), or a new one
    when he has forgotten his (重置密码): random, shown once to the caller, to be changed at the
    next login. Refused for an account outside ``by``'s scope, or one closed with its posting."""
    roles.require(by, roles.TENURE_MANAGE_ACCOUNTS)
    account = (
        SecretaryAccount.objects.visible_to(by)
        .select_for_update(of=("self",))
        .select_related("user", "posting__cadre")
        .filter(pk=account.pk)
        .first()
    )
    if account is None:
        raise PermissionDenied("没有这个账号，或不在您的管辖范围内。")
    if not account.user.is_active:
        raise ValidationError(f"{account.posting.cadre.name}已离任（{account.posting.get_state_display()}），账号已停用，不能发放密码。")
    return first_password_set(user=account.user)


class AccountStatus:
    """What the county's list says of an account, in one place."""

    CLOSED = "已停用"
    NOT_ISSUED = "待发放初始密码"
    MUST_CHANGE = "待本人修改初始密码"
    IN_USE = "已启用"

    @classmethod
    def of(cls, user: User) -> str:
        if not user.is_active:
            return cls.CLOSED
        if not user.has_usable_password():
            return cls.NOT_ISSUED
        if user.must_change_password:
            return cls.MUST_CHANGE
        return cls.IN_USE


def account_todos(user) -> list:
    """待办 of the county: accounts opened at 履岗任职 whose first password is not issued yet."""
    from django.urls import reverse

    from core.navigation import Todo

    if not roles.can(user, roles.TENURE_MANAGE_ACCOUNTS):
        return []
    waiting = (
        SecretaryAccount.objects.visible_to(user).filter(user__is_active=True, user__password__startswith=UNUSABLE_PASSWORD_PREFIX).count()
    )
    return [Todo("待发放初始密码的第一书记账号", waiting, reverse("tenure:accounts"))]
