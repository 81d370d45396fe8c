"""The names, streets and work a demo company is made of. Deterministic: no randomness."""

from __future__ import annotations

from dataclasses import dataclass, field

DEMO_PASSWORD = "doorstep-demo"  # noqa: S105  (printed on purpose: local demo only)


@dataclass(frozen=True)
class CompanySpec:
    name: str
    slug: str
    accent_color: str
    timezone: str
    city: str
    region: str
    postal_prefix: str
    phone: str
    welcome: str
    owner_first: str
    owner_last: str
    settings: dict[str, object] = field(default_factory=dict)
    work: tuple[tuple[str, int], ...] = ()  # (line description, unit price cents)
    job_titles: tuple[str, ...] = ()
    service_types: tuple[str, ...] = ()  # the request form's "Type of service" list
    # The service type of the demo's three requests (job titles 0, 1 and 4).
    request_types: tuple[int, int, int] = (0, 1, 2)

    @property
    def owner_email(self) -> str:
        return f"owner@{self.slug}.test"


COMPANIES = (
    CompanySpec(
        name="Bluewater Plumbing",
        slug="bluewater",
        accent_color="#1f6feb",
        timezone="America/New_York",
        city="Springfield",
        region="MA",
        postal_prefix="011",
        phone="(413) 555-0142",
        welcome="Pay invoices, book a visit and see when your plumber arrives.",
        owner_first="Dana",
        owner_last="Brooks",
        settings={"partial_payments_allowed": True, "partial_payment_minimum": 2500},
        work=(
            ("Service call", 8900),
            ("Labour (per hour)", 11500),
            ("Kitchen faucet cartridge", 4250),
            ("Water heater flush", 14900),
            ("PEX tubing (per ft)", 185),
            ("Drain camera inspection", 22500),
        ),
        job_titles=(
            "Leaking kitchen faucet",
            "Water heater not heating",
            "Clogged main drain",
            "Install new toilet",
            "Annual backflow test",
            "Burst pipe in basement",
            "Low water pressure",
            "Sump pump replacement",
        ),
        service_types=(
            "Leak or burst pipe",
            "Blocked drain",
            "Water heater",
            "Fixture installation",
            "Something else",
        ),
        request_types=(0, 2, 4),
    ),
    CompanySpec(
        name="Evergreen HVAC",
        slug="evergreen",
        accent_color="#1a7f37",
        timezone="America/Denver",
        city="Boulder",
        region="CO",
        postal_prefix="803",
        phone="(303) 555-0188",
        welcome="Your heating and cooling, handled. Pay, book and track visits here.",
        owner_first="Marcus",
        owner_last="Reyes",
        settings={"sign_in_mode": "both", "ach_enabled": True},
        work=(
            ("Diagnostic visit", 9900),
            ("Labour (per hour)", 12500),
            ("Furnace filter MERV 11", 2400),
            ("Refrigerant R-410A (per lb)", 8500),
            ("Capacitor 45/5 MFD", 6800),
            ("Seasonal tune-up", 16900),
        ),
        job_titles=(
            "Furnace won't ignite",
            "AC blowing warm air",
            "Spring AC tune-up",
            "Thermostat replacement",
            "Fall furnace tune-up",
            "Duct cleaning",
            "Heat pump noise",
            "Install smart thermostat",
        ),
        service_types=(
            "No heat",
            "No cooling",
            "Seasonal tune-up",
            "Thermostat",
            "Something else",
        ),
    ),
)

FIRST_NAMES = (
    "Maria", "James", "Aisha", "Robert", "Mei", "David", "Sofia", "Michael", "Priya", "William",
    "Elena", "Thomas", "Grace", "Daniel", "Fatima", "Joseph", "Hannah", "Carlos", "Olivia",
    "Samuel", "Chloe", "Ahmed", "Emily", "Lucas",
)  # fmt: skip
LAST_NAMES = (
    "Garcia", "Smith", "Khan", "Johnson", "Chen", "Williams", "Rossi", "Brown", "Patel",
    "Jones", "Novak", "Miller", "Kim", "Davis", "Ali", "Wilson", "Schmidt", "Lopez", "Taylor",
    "Nguyen", "Martin", "Hassan", "Clark", "Silva",
)  # fmt: skip
BUSINESSES = (  # four per demo company
    "Maple Street Dental",
    "Riverside Apartments LLC",
    "Corner Bakery & Cafe",
    "Oakridge Elementary PTA",
    "Summit Fitness Studio",
    "Pinecrest Veterinary Clinic",
    "Flatirons Coffee Roasters",
    "Aspen Ridge HOA",
)
STREETS = (
    "Elm Street", "Maple Avenue", "Oak Lane", "Cedar Court", "Pine Road", "Birch Way",
    "Lakeview Drive", "Hillside Terrace", "Main Street", "Washington Avenue", "Park Place",
    "Willow Bend",
)  # fmt: skip
TECHNICIANS = ("Sam Ortiz", "Jordan Lee", "Riley Chen", "Alex Kowalski")
