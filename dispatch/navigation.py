"""What the navigation bar and the home page's 待办 list show, per role.

Apps add their own entries in their AppConfig.ready(): ``register_nav(...)`` for a menu entry,
``register_todo(...)`` for a function that counts what waits for a user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    permission: str | None = None  # shown to users who have it; None: everyone
    order: int = 100
    roles: frozenset[str] | None = None  # and only to these roles; None: every role

    def shown_to(self, user) -> bool:
        return (self.permission is None or user.has_perm(self.permission)) and (self.roles is None or user.role in self.roles)


@dataclass(frozen=True)
class Todo:
    """One line of 待办: what waits, how many, where to do it."""

    label: str
    count: int
    url: str


_nav: list[NavItem] = [NavItem("首页", "home", order=0)]
_todo_providers: list[Callable[[object], Iterable[Todo]]] = []


def register_nav(item: NavItem) -> None:
    _nav.append(item)
    _nav.sort(key=lambda i: i.order)


def register_todo(provider: Callable[[object], Iterable[Todo]]) -> None:
    _todo_providers.append(provider)


def nav_for(user, current_path: str) -> list[dict]:
    items = [{"label": i.label, "url": reverse(i.url_name), "active": False} for i in _nav if i.shown_to(user)]
    # The entry whose address is the longest prefix of the page's is the active one:
    # /villages/import/ lights 村名单导入, not 村庄 as well.
    matches = [i for i in items if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return items


def todos_for(user) -> list[Todo]:
    return [todo for provider in _todo_providers for todo in provider(user) if todo.count]
