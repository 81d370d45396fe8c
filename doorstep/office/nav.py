"""The office's top navigation: one entry per area, shown to the roles that may use it.

Each area adds its entry here. `namespace` is the area's URL namespace (the entry is marked
current on every page of that area); `url_name` is the page the entry opens. The day's areas
are links in the bar; the set-up pages an owner visits now and then sit in one "Set-up" menu
at its end, so the bar is one row at 1,280 px (it was two, with 16 entries). On a narrow
screen the bar keeps its first NARROW_BAR entries and the menu ("More") holds the rest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, reverse

from doorstep.tenancy.roles import StaffAction

if TYPE_CHECKING:
    from .gate import Office


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    action: StaffAction
    namespace: str
    # Left out for whoever may do this: their other entry already leads there.
    unless: StaffAction | None = None
    setup: bool = False  # in the "Set-up" menu rather than the bar


# In the order of an office manager's day: who, money, work, conversations, then the set-up
# pages an owner visits now and then.
SECTIONS: list[NavItem] = [
    NavItem("Home", "office:home", StaffAction.VIEW_OFFICE, "office"),
    NavItem("Customers", "office:customers:list", StaffAction.VIEW_OFFICE, "office:customers"),
    NavItem("Invoices", "office:invoices:list", StaffAction.SEE_BILLING, "office:invoices"),
    NavItem("Estimates", "office:estimates:list", StaffAction.SEE_BILLING, "office:estimates"),
    NavItem("Payments", "office:payments:list", StaffAction.SEE_MONEY, "office:payments"),
    NavItem("Jobs", "office:jobs:list", StaffAction.VIEW_OFFICE, "office:jobs"),
    NavItem("Requests", "office:requests:list", StaffAction.REVIEW_REQUESTS, "office:requests"),
    NavItem("Messages", "office:messages:list", StaffAction.MESSAGE_CUSTOMERS, "office:messages"),
    NavItem("Help desk", "office:help:list", StaffAction.MESSAGE_CUSTOMERS, "office:help"),
    NavItem(
        "Registrations",
        "office:registrations:list",
        StaffAction.MANAGE_PORTAL_ACCESS,
        "office:registrations",
    ),
    NavItem("Portal adoption", "office:adoption:page", StaffAction.SEE_ADOPTION, "office:adoption"),
    NavItem(
        "Settings",
        "office:settings:index",
        StaffAction.EDIT_SETTINGS,
        "office:settings",
        setup=True,
    ),
    # An office manager rewords the customers' emails but may not open the other settings:
    # the wording pages are their way into Settings (owners reach them from Settings).
    NavItem(
        "Email wording",
        "office:settings:wording",
        StaffAction.EDIT_WORDING,
        "office:settings",
        unless=StaffAction.EDIT_SETTINGS,
        setup=True,
    ),
    NavItem("Staff", "office:staff:list", StaffAction.MANAGE_STAFF, "office:staff", setup=True),
    NavItem(
        "Integrations",
        "office:integrations:list",
        StaffAction.MANAGE_API_KEYS,
        "office:integrations",
        setup=True,
    ),
    NavItem(
        "Import", "office:imports:index", StaffAction.IMPORT_DATA, "office:imports", setup=True
    ),
    NavItem(
        "Single sign-on",
        "office:sso:list",
        StaffAction.MANAGE_PORTAL_ACCESS,
        "office:sso",
        setup=True,
    ),
]


@dataclass(frozen=True)
class NavLink:
    label: str
    url: str
    namespace: str
    setup: bool = False


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    current: bool  # this page belongs to the entry's area (aria-current)


# On a narrow screen (under 900 px: a phone, a small tablet) the bar keeps its first entries
# and the rest join the menu, which is then called "More": 16 entries were 4 rows at 390 px
# (three, because a fourth with "More" does not fit 390 px in one row).
NARROW_BAR = 3


@dataclass(frozen=True)
class Nav:
    """The bar's entries and the menu's, for one page. `bar[NARROW_BAR:]` is shown in the bar
    on a wide screen and in the menu on a narrow one (office.css); `setup` is always in it."""

    bar: list[NavEntry]
    setup: list[NavEntry]

    @property
    def bar_always(self) -> list[NavEntry]:
        return self.bar[:NARROW_BAR]

    @property
    def bar_wide_only(self) -> list[NavEntry]:
        return self.bar[NARROW_BAR:]

    @property
    def setup_is_current(self) -> bool:
        return any(entry.current for entry in self.setup)

    @property
    def folded_is_current(self) -> bool:
        return any(entry.current for entry in self.bar_wide_only)


def nav_for(office: Office, *, current: str, path: str) -> Nav:
    """`current`: the page's URL namespace; Home is current only on its own page."""
    entries = [
        (
            link.setup,
            NavEntry(
                link.label,
                link.url,
                link.url == path or (link.namespace == current and current != "office"),
            ),
        )
        for link in sections_for(office)
    ]
    return Nav(
        bar=[entry for setup, entry in entries if not setup],
        setup=[entry for setup, entry in entries if setup],
    )


def sections_for(office: Office) -> list[NavLink]:
    links = []
    for item in SECTIONS:
        if not office.may(item.action) or (item.unless and office.may(item.unless)):
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:  # an area not built yet on this branch
            continue
        links.append(NavLink(item.label, url, item.namespace, item.setup))
    return links
