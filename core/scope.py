"""The one scoping rule.

Every list, detail page, form choice, export and admin page narrows its queryset
with ``Model.objects.visible_to(user)``. What a user may see is decided in one place,
``User.scope`` (dispatch app), and turned into a query here; a model only declares *where* its
region and its dispatching unit are.

Regions are nested by their official codes (province 14, city 1409, county 140929, township
140929100, village 140929100201), so "inside this region" is "code starts with its prefix" —
one indexed comparison, no recursive query.

One province per deployment (``settings.PROVINCE_CODE``, Shanxi by default): the regions and
villages of the nation may be loaded beside it, and a scope that sees "everything" sees the
deployment's province, not the nation.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q


def deployment_province_prefix() -> str:
    """The two leading digits of the deployment's own province's division code (``14``): every
    region, village and unit of the province starts with them. villages.models.deployment_province
    answers the province's region row."""
    return settings.PROVINCE_CODE[:2]


@dataclass(frozen=True)
class Scope:
    """What one user may see.

    - ``everything``: the whole province (system administrators, 省委组织部): the deployment's
      province (``deployment_province_prefix``), not the other provinces loaded beside it.
    - ``region_prefix``: the code prefix of the region subtree the user governs.
    - ``unit_id``: a dispatching unit's own users see only their unit's rows.
    - ``unit_level``: 省扶贫办 sees the candidates of one level of units (provincial).
    - ``posting_id``: a secretary (第一书记) sees his own posting and its records, and of the
      regions and villages only his village (``region_prefix`` is then the village's code).
    - ``counties``: a provincial unit's counties (a queryset of county regions, evaluated inside
      the query that uses it): the counties of its quotas and its postings. Of the regions and
      villages it sees only these (querysets that define ``counties_q``), not the province.
    An empty scope (all None/False) sees nothing.
    """

    everything: bool = False
    region_prefix: str | None = None
    unit_id: int | None = None
    unit_level: str | None = None
    posting_id: int | None = None
    counties: models.QuerySet | None = None

    @classmethod
    def of(cls, user) -> Scope:
        if user is None or not user.is_authenticated or not user.is_active:
            return NOTHING
        return user.scope


NOTHING = Scope()


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to a user's scope.

    Subclasses declare:

    - ``scope_region_fields``: lookup paths to a region code (``"code"``, ``"county__code"``);
      a row is inside the scope when any of them starts with the scope's prefix.
    - ``scope_public``: every user with a scope sees every row (province-wide reference data).
    - ``scope_province_field``: lookup path to a region code that places every row in one
      province (never empty), for rows of which other provinces may hold their own (regions,
      villages, units, postings): a scope that sees everything sees the deployment's province.
    - ``scope_unit_field``: lookup path to the row's dispatching unit, for rows that belong to
      a unit (postings, rosters); ``""`` for the unit model itself. Unit users then see only
      their unit's rows, and 省扶贫办 only rows of provincial units.
    - ``scope_posting_field``: lookup path to the row's posting (``""`` for the posting model
      itself), for rows that belong to one secretary's time in office. A secretary sees only
      the rows of his own posting; rows without a posting field he sees by region (his village).
    """

    scope_region_fields: tuple[str, ...] = ()
    scope_unit_field: str | None = None
    scope_posting_field: str | None = None
    # Province-wide reference rows (campaigns) that every signed-in user with a scope may read.
    scope_public: bool = False
    scope_province_field: str | None = None

    def _region_q(self, prefix: str) -> Q:
        """Rows whose region fields (any of them) start with ``prefix``. One field is one
        condition. Several fields on joined tables (a posting's county OR its unit's region) are
        a UNION of one id subquery per field: each walks its own indexes from the few regions
        that match (region code → county/unit → posting), where an OR over the joins would join
        every row of the nation and discard almost all of them."""
        fields = self.scope_region_fields
        if len(fields) == 1:
            return Q(**{f"{fields[0]}__startswith": prefix})
        rows = self.model._base_manager.order_by()
        first, *rest = (rows.filter(**{f"{field}__startswith": prefix}).values("pk") for field in fields)
        return Q(pk__in=first.union(*rest))

    def counties_q(self, counties: models.QuerySet) -> Q | None:
        """The rows a scope limited to ``counties`` sees; None: this model is not narrowed so."""
        return None

    def _unit_lookup(self, attribute: str) -> str:
        return f"{self.scope_unit_field}__{attribute}" if self.scope_unit_field else attribute

    def visible_to(self, user) -> ScopedQuerySet:
        return self.filter(self.scope_q(Scope.of(user)))

    def scope_q(self, scope: Scope) -> Q:
        if self.scope_public and scope != NOTHING:
            return Q()
        if scope.everything:
            if self.scope_province_field is None:
                return Q()
            return Q(**{f"{self.scope_province_field}__startswith": deployment_province_prefix()})
        if scope.posting_id is not None:
            if self.scope_posting_field is not None:
                lookup = f"{self.scope_posting_field}__id" if self.scope_posting_field else "id"
                return Q(**{lookup: scope.posting_id})
            if self.scope_unit_field is not None:
                # A unit's rows (its roster, the unit itself) are not a secretary's to read.
                return Q(pk__in=[])
        if self.scope_unit_field is not None:
            if scope.unit_id is not None:
                return Q(**{self._unit_lookup("id"): scope.unit_id})
            if scope.unit_level is not None:
                return Q(**{self._unit_lookup("level"): scope.unit_level})
        if scope.counties is not None and (narrowed := self.counties_q(scope.counties)) is not None:
            return narrowed
        if scope.region_prefix and self.scope_region_fields:
            return self._region_q(scope.region_prefix)
        # Q(pk__in=[]) is Django's "match nothing" that still composes with other filters.
        return Q(pk__in=[])
