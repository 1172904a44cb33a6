"""The end of the term (issue #13 point 6): what tenure records for the pipeline's last steps.

期满免职 requires the completed 期满考察 (tenure.assessments); 留任 requires the dispatching
unit's consent, which the unit gives through its own account (an ExtensionConsent) and the county
then acts on with its own (the 留任 step of secretaries.transitions, taken by the county). Both
are checked by guards that tenure registers with secretaries.transitions.
"""

from __future__ import annotations

from django.db import models

from core.models import AppendOnlyEvent
from dispatch.models import Role
from secretaries.models import Posting
from tenure.models import TenureEventQuerySet


class ExtensionConsent(AppendOnlyEvent):
    """The dispatching unit agrees that its secretary stays on (留任) until a date. Append-only:
    a changed mind is a new row (the latest counts)."""

    actor_role = models.CharField("操作人角色", max_length=32, choices=Role.choices)
    posting = models.ForeignKey(Posting, verbose_name="选派记录", on_delete=models.PROTECT, related_name="extension_consents")
    new_end_date = models.DateField("同意留任至")

    objects = TenureEventQuerySet.as_manager()

    class Meta(AppendOnlyEvent.Meta):
        verbose_name = "派出单位同意留任"
        verbose_name_plural = "派出单位同意留任"

    def __str__(self) -> str:
        return f"{self.posting.cadre} 同意留任至 {self.new_end_date:%Y-%m-%d}"
