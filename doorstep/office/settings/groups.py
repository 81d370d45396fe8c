"""The settings groups, in the order the index and the tabs show them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    label: str
    url_name: str
    summary: str


GROUPS: tuple[Group, ...] = (
    Group("Portal", "office:settings:portal", "Portal on or off; what customers see."),
    Group("Sign-in", "office:settings:sign_in", "How customers sign in and register."),
    Group("Payments", "office:settings:payments", "Part payments, autopay, Stripe."),
    Group("Branding", "office:settings:branding", "Logo, colour, welcome, contact, PDFs."),
    Group(
        "Notifications",
        "office:settings:notifications",
        "What new customers hear about, by email or text.",
    ),
    Group("Messages", "office:settings:wording", "The words of every email and text."),
)
