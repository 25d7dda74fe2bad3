"""Name pools for the sandbox's invented companies, people and tickets.

The pools deliberately hold non-ASCII letters, apostrophes and double
quotes, because those are what break naive condition strings.
"""

FIRST_NAMES = (
    "Zoë", "José", "Björn", "Łukasz", "Søren", "François", "Siobhán",
    "Renée", "Jürgen", "Chloé", "Ingrid", "Amélie", "Mateo", "Priya",
    "Aisha", "Noah", "Emma", "Liam", "Olivia", "Hannah", "Yusuf", "Marta",
    "Oskar", "Élodie", "Niamh", "Iñaki", "Małgorzata", "Dagný", "Kai",
    "Grace",
)  # fmt: skip

LAST_NAMES = (
    "O'Brien", "D'Angelo", "Müller", "Østergaard", "Łukasiewicz",
    "Großmann", "Peña", "Núñez", "García", "Smith", "Nguyen", "Kowalski",
    "Johansson", "O'Neill", "Dvořák", "Šimić", "Lefèvre", "Andersen",
    "Patel", "Okafor", "Tanaka", "MacLeod", "van der Berg", "Öztürk",
    "Fitzgerald",
)  # fmt: skip

TITLES = (
    "Office Manager", "Practice Manager", "Owner", "Bookkeeper",
    "Receptionist", "Operations Lead", "Director", "IT Contact",
)  # fmt: skip

COMPANY_WORDS = (
    "Bluefin", "Northwind", "Harbor", "Summit", "Cedar", "Maple",
    "Granite", "Riverside", "Lakeside", "Evergreen", "Pioneer", "Sterling",
    "Crescent", "Alpine", "Coastal", "Meridian", "Oakridge", "Redwood",
    "Fjørd", "Zürich", "Málaga", "Kraków", "Göteborg", "Åland",
)  # fmt: skip

COMPANY_TRADES = (
    "Dental Partners", "Law Group", "Veterinary Clinic", "Accounting",
    "Logistics", "Architects", "Engineering", "Family Practice", "Realty",
    "Construction", "Brewing Co.", "Marine Supply", "Print Shop",
    "Insurance Agency", "Auto Repair", "Physiotherapy", "Hotel & Spa",
    "Florists",
)  # fmt: skip

COMPANY_SUFFIXES = ("", "", " LLC", " Inc.", " Ltd", " GmbH", " AB")

# Placed at every seventh company (see builders.company_name). Names with
# both ' and " sit at most four apart, so any six in a row include one.
SPECIAL_COMPANIES = (
    'The "Blue" Café',
    'O\'Reilly & "Sons" Plumbing',
    "Children's Dental Clinic",
    "Müller & Söhne GmbH",
    'Zoë\'s "Fresh" Bakery',
    "Łódź Freight Sp. z o.o.",
    "Peña's Cocina",
    'Björn\'s "Nordic" Outfitters',
    "Großstadt Straßenbau AG",
    'D\'Angelo "Quick" Couriers',
    "Ørsted & Ñandú Consulting",
    "St. Mary's School",
)

CITIES = (
    ("Springfield", "IL", "62701"), ("Portland", "OR", "97201"),
    ("Austin", "TX", "73301"), ("Madison", "WI", "53703"),
    ("Boulder", "CO", "80302"), ("Savannah", "GA", "31401"),
)  # fmt: skip

STREETS = ("Example Way", "Main Street", "Harbor Road", "Elm Avenue", "Mill Lane")

TICKET_SUMMARIES = (
    "Reception PC cannot print to front-desk printer",
    "Outlook keeps asking for a password",
    "VPN drops every ten minutes",
    "New starter: set up laptop and accounts",
    "Leaver: disable accounts and collect laptop",
    'Error "0x800f081f" when installing updates',
    "Can't open the shared drive",
    "Wi-Fi in the café area is down",
    "Phone system shows 'No Service'",
    "Backup job failed overnight",
    "Disk space low on file server",
    "Request: add user to Finance group",
    "Teams meeting audio echo",
    "Firewall alert: repeated login failures",
    "Printer driver für Büro 2 fehlt",
    "Password reset for “José” in accounts",
)

TICKET_TYPES = (("Hardware", ("Printer", "Laptop", "Desktop")),
                ("Software", ("Office", "Line of Business", "Browser")),
                ("Network", ("Wi-Fi", "VPN", "Firewall")),
                ("Account", ("Password", "New User", "Leaver")))  # fmt: skip

TEAMS = ("Tier 1", "Tier 2", "Projects")
