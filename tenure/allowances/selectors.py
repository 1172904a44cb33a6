"""Reads of the allowances: statements and lines in the user's scope (the unit its own people,
the county its villages', the secretary his own lines), and a year's total per secretary."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from secretaries.models import Posting
from tenure.allowances.models import AllowanceLine, AllowanceStatement
from tenure.models import PresenceMonth


def statements_visible_to(user) -> QuerySet[AllowanceStatement]:
    return AllowanceStatement.objects.visible_to(user).select_related("unit", "prepared_by", "paid_by")


def lines_visible_to(user) -> QuerySet[AllowanceLine]:
    return AllowanceLine.objects.visible_to(user).select_related(
        "statement",
        "statement__unit",
        "posting__cadre",
        "posting__unit",
        "posting__village",
        "posting__village__township",
        "posting__village__county",
    )


def statement_lines(statement: AllowanceStatement, user) -> list[AllowanceLine]:
    """The statement's lines this user may see (a county sees its villages' secretaries only)."""
    return list(lines_visible_to(user).filter(statement=statement).order_by("posting__village__code", "year", "month", "id"))


def total(lines) -> Decimal:
    return sum((line.amount for line in lines), Decimal("0.00"))


@dataclass
class YearRow:
    """One secretary's year: the months paid, their days on post (as last confirmed), the
    amount paid (regular lines and corrections)."""

    posting: Posting
    months: dict[int, Decimal] = field(default_factory=dict)  # month → amount paid for it
    days: dict[int, int] = field(default_factory=dict)  # month → days on post of its latest line

    @property
    def amount(self) -> Decimal:
        return sum(self.months.values(), Decimal("0.00"))

    @property
    def total_days(self) -> int:
        return sum(self.days.values())


def year_totals(user, year: int, *, paid_only: bool = False) -> list[YearRow]:
    """Each secretary in the user's scope with allowance lines for months of ``year``."""
    lines = lines_visible_to(user).filter(year=year).order_by("posting__village__code", "month", "id")
    if paid_only:
        lines = lines.filter(statement__state=AllowanceStatement.State.PAID)
    rows: dict[int, YearRow] = {}
    for line in lines:
        row = rows.setdefault(line.posting_id, YearRow(line.posting))
        row.months[line.month] = row.months.get(line.month, Decimal("0.00")) + line.amount
        row.days[line.month] = line.days
    return list(rows.values())


def months_waiting_for_confirmation(user, year: int) -> QuerySet[PresenceMonth]:
    """Months of the user's secretaries reopened and not yet confirmed again: not payable."""
    return (
        PresenceMonth.objects.visible_to(user)
        .filter(year=year, state=PresenceMonth.State.REOPENED)
        .select_related("posting__cadre")
        .order_by("month")
    )


def lines_sum(queryset) -> Decimal:
    return queryset.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
