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
    roles: frozenset[str] | None = None  # None: every role
    order: int = 100

    def shown_to(self, user) -> bool:
        return self.roles is None or user.is_superuser or user.role in self.roles


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
    items = []
    for item in _nav:
        if item.shown_to(user):
            url = reverse(item.url_name)
            active = current_path == url if url == "/" else current_path.startswith(url)
            items.append({"label": item.label, "url": url, "active": active})
    return items


def todos_for(user) -> list[Todo]:
    return [todo for provider in _todo_providers for todo in provider(user) if todo.count]
