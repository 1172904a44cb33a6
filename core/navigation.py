"""What the navigation bar and the home page's 待办 list show, per user.

Apps add their own entries in their AppConfig.ready(), and only there: ``register_nav(...)``
for a menu entry shown to the users who hold its capability, ``register_todo(...)`` for a
function that counts what waits for a user, ``register_home_panel(...)`` for a function that
gives the home page a section of the user's own figures (or None), ``register_page_panel(page,
...)`` for a function that gives another app's page (``"village_detail"``: the village) a
section about the object it shows, so that a page can show what a later app keeps about it
without importing that app.

A capability is any object with ``held_by(user) -> bool`` and a ``label``: the project's
capability table (dispatch.roles) defines them; this module knows no role.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import PermissionDenied
from django.urls import reverse


class Capability(Protocol):
    label: str

    def held_by(self, user) -> bool: ...


def refusal(capability: Capability) -> str:
    """What a page says to a role without ``capability``."""
    return f"您的角色无权{capability.label}。"


def require(user, capability: Capability, message: str | None = None) -> None:
    """Refuse (403) a user who does not hold ``capability``, saying so in Chinese."""
    if not capability.held_by(user):
        raise PermissionDenied(message or refusal(capability))


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    capability: Capability | None = None  # shown to users who hold it; None: everyone
    order: int = 100
    group: str = ""  # the menu's row: "" the selection and dispatch, or one of NAV_GROUPS

    def shown_to(self, user) -> bool:
        return self.capability is None or self.capability.held_by(user)


@dataclass(frozen=True)
class Todo:
    """One line of 待办: what waits, how many, where to do it."""

    label: str
    count: int
    url: str


@dataclass(frozen=True)
class HomePanel:
    """A section of the home page: the template that draws it and what it needs."""

    template: str
    context: dict


_nav: list[NavItem] = [NavItem("首页", "home", order=0)]
# The menu's rows after the first, in order: a county holds some 25 entries, too many for one.
NAV_GROUPS = ("驻村管理",)
_todo_providers: list[Callable[[object], Iterable[Todo]]] = []
_home_panel_providers: list[Callable[[object], HomePanel | None]] = []


_page_panel_providers: dict[str, list[Callable[[object, object], HomePanel | None]]] = {}


def register_home_panel(provider: Callable[[object], HomePanel | None]) -> None:
    _home_panel_providers.append(provider)


def register_page_panel(page: str, provider: Callable[[object, object], HomePanel | None]) -> None:
    """``provider(user, obj)`` gives ``page`` a section about ``obj`` for ``user``, or None."""
    _page_panel_providers.setdefault(page, []).append(provider)


def page_panels_for(page: str, user, obj) -> list[HomePanel]:
    return [panel for provider in _page_panel_providers.get(page, []) if (panel := provider(user, obj)) is not None]


def home_panels_for(user) -> list[HomePanel]:
    return [panel for provider in _home_panel_providers if (panel := provider(user)) is not None]


def register_nav(item: NavItem) -> None:
    _nav.append(item)
    _nav.sort(key=lambda i: i.order)


def register_todo(provider: Callable[[object], Iterable[Todo]]) -> None:
    _todo_providers.append(provider)


def nav_for(user, current_path: str) -> list[dict]:
    shown = sorted((i for i in _nav if i.shown_to(user)), key=lambda i: (_group_rank(i.group), i.order))
    items = [{"label": i.label, "url": reverse(i.url_name), "active": False, "group": i.group} for i in shown]
    # The entry whose address is the longest prefix of the page's is the active one:
    # /villages/import/ lights 村名单导入, not 村庄 as well.
    matches = [i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def _group_rank(group: str) -> int:
    return 0 if not group else 1 + (NAV_GROUPS.index(group) if group in NAV_GROUPS else len(NAV_GROUPS))


def todos_for(user) -> list[Todo]:
    return [todo for provider in _todo_providers for todo in provider(user) if todo.count]
