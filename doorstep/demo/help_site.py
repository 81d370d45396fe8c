"""The demo's help site: categories and articles (one for signed-in customers, one for staff
only), a request the office has answered, one waiting in the queue, and one public request
still waiting for its sender to confirm the address."""

from __future__ import annotations

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.core.audit import Actor
from doorstep.support.articles import article_save, category_save
from doorstep.support.models import TicketSource, TicketState, Visibility
from doorstep.support.tickets import Requester, ticket_file, ticket_set_state, ticket_staff_reply
from doorstep.tenancy.models import Company

ARTICLES = [
    (
        "Billing and payments",
        "How do I pay an invoice?",
        Visibility.PUBLIC,
        "Every invoice email has a **View and pay** button: it opens that invoice, no sign-in "
        "needed.\n\n1. Open the email.\n2. Choose *View and pay*.\n3. Pay by card or bank "
        "transfer.\n\nA receipt arrives by email straight away.",
    ),
    (
        "Billing and payments",
        "Turning on autopay",
        Visibility.CUSTOMERS,
        "Signed in to the portal, open **Saved cards and autopay** and choose a card. Each new "
        "invoice is then paid on its due date; you get an email first.",
    ),
    (
        "Billing and payments",
        "Refunds without asking the owner",
        Visibility.STAFF,
        "Office staff may refund up to **$200** for a missed appointment without asking.",
    ),
    (
        "Your visit",
        "What to expect on the day",
        Visibility.PUBLIC,
        "We text you when the technician is on the way. Please make sure someone over 18 is "
        "home and pets are kept in another room.",
    ),
    (
        "Your visit",
        "Rescheduling a visit",
        Visibility.PUBLIC,
        "Reply to the reminder text or send us a request at least 24 hours before. There is no "
        "fee for rescheduling.",
    ),
    (
        "Heating and water",
        "My water heater is leaking",
        Visibility.PUBLIC,
        "## First\n\n- Turn off the cold-water supply valve above the heater.\n- Switch off the "
        "power (electric) or set the gas valve to *pilot*.\n\n## Then\n\nSend us a request with "
        "a photo of where the water comes from.",
    ),
    (
        "Heating and water",
        "No hot water",
        Visibility.PUBLIC,
        "Check the breaker or the pilot light first. Still cold after 30 minutes? Send us a "
        "request.",
    ),
]


def help_site_create(company: Company, staff: Actor) -> None:
    categories = {}
    for position, name in enumerate(dict.fromkeys(a[0] for a in ARTICLES)):
        categories[name] = category_save(company=company, name=name, position=position)
    articles = {}
    for category, title, visibility, body in ARTICLES:
        articles[title] = article_save(
            company=company,
            actor=staff,
            category=categories[category],
            title=title,
            body_markdown=body,
            visibility=visibility,
        )
    accounts = list(
        PortalAccount.objects.for_company(company)
        .filter(state=PortalAccountState.ACTIVE, contact__is_primary=True)
        .select_related("contact", "customer")
        .order_by("customer__name")[:2]
    )
    for n, account in enumerate(accounts):
        contact = account.contact
        ticket = ticket_file(
            company=company,
            requester=Requester(
                email=account.email, name=contact.name, customer=account.customer, contact=contact
            ),
            subject=["Water under the heater again", "Can I get a copy of my warranty?"][n],
            body=[
                "Since your visit last week there is a small puddle under the water heater "
                "every morning.",
                "I need the warranty for the new boiler for my insurer.",
            ][n],
            source=TicketSource.PORTAL,
            actor=Actor.portal(contact.name),
            article=articles["My water heater is leaking"] if n == 0 else None,
        )
        if n == 0:
            ticket_staff_reply(
                company=company,
                ticket_id=ticket.pk,
                actor=staff,
                internal=True,
                body="Probably the relief valve we replaced. Check the fitting.",
            )
            ticket_staff_reply(
                company=company,
                ticket_id=ticket.pk,
                actor=staff,
                internal=False,
                body="Sorry about that! Could you send a photo of the valve on the side of the "
                "heater? We can come Thursday morning.",
            )
            ticket_set_state(
                company=company, ticket_id=ticket.pk, state=TicketState.WAITING, actor=staff
            )
    ticket_file(
        company=company,
        requester=Requester(email="new.neighbour@example.com", name="Robin Park"),
        subject="Do you service tankless heaters?",
        body="We just moved in next door to one of your customers.",
        source=TicketSource.PUBLIC,
        actor=Actor.portal("new.neighbour@example.com"),
    )
