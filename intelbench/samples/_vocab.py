"""Vocabularies and small generators for the synthetic Northshire force.

Every name here is invented for the sample data. Phone numbers come only from Ofcom's drama
ranges, postcodes use the outward area ``NX`` (not a UK postcode area) and registrations
follow the current UK format (two region letters, an age identifier, three random letters).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "ASB",
    "CRIME_TYPES",
    "FORCE",
    "HEADER",
    "OUTCOMES",
    "PLACE_LABELS",
    "SECTORS",
    "forename_pool",
    "landline_numbers",
    "mobile_numbers",
    "postcodes",
    "registrations",
    "street_names",
    "surname_pool",
]

FORCE = "Northshire Police"

HEADER = [
    "Crime ID",
    "Month",
    "Reported by",
    "Falls within",
    "Longitude",
    "Latitude",
    "Location",
    "LSOA code",
    "LSOA name",
    "Crime type",
    "Last outcome category",
    "Context",
]

ASB = "Anti-social behaviour"

#: crime type -> share of all street-level rows (close to a mixed urban/rural English force)
CRIME_TYPES: dict[str, float] = {
    ASB: 0.27,
    "Violence and sexual offences": 0.27,
    "Criminal damage and arson": 0.09,
    "Other theft": 0.065,
    "Shoplifting": 0.075,
    "Burglary": 0.055,
    "Public order": 0.06,
    "Vehicle crime": 0.045,
    "Drugs": 0.025,
    "Other crime": 0.012,
    "Bicycle theft": 0.012,
    "Theft from the person": 0.01,
    "Robbery": 0.008,
    "Possession of weapons": 0.006,
}

#: data.police.uk "Last outcome category" values used by the generator, with base weights
OUTCOMES: dict[str, float] = {
    "Investigation complete; no suspect identified": 0.36,
    "Unable to prosecute suspect": 0.25,
    "Under investigation": 0.10,
    "Awaiting court outcome": 0.06,
    "Court result unavailable": 0.03,
    "Status update unavailable": 0.03,
    "Local resolution": 0.03,
    "Offender given a caution": 0.025,
    "Action to be taken by another organisation": 0.015,
    "Further investigation is not in the public interest": 0.01,
    "Formal action is not in the public interest": 0.008,
    "Offender given penalty notice": 0.005,
    "Offender sent to prison": 0.01,
    "Offender given suspended prison sentence": 0.005,
    "Offender given community sentence": 0.006,
    "Offender fined": 0.006,
    "Offender given conditional discharge": 0.003,
    "Offender otherwise dealt with": 0.002,
    "Defendant found not guilty": 0.002,
    "Suspect charged as part of another case": 0.002,
    "Offender given a drugs possession warning": 0.003,
}

#: the four sectors, each around one town: name, centre (easting, northing), spread (m), weight
SECTORS: list[tuple[str, tuple[float, float], float, float]] = [
    ("Oldcaster", (441200.0, 343800.0), 2200.0, 0.42),
    ("Kestermoor", (452600.0, 349900.0), 1600.0, 0.22),
    ("Wrenhallow", (434300.0, 351600.0), 1400.0, 0.18),
    ("Dunmere", (455100.0, 336900.0), 1300.0, 0.18),
]

#: non-street map point labels seen in data.police.uk ("On or near <label>")
PLACE_LABELS = [
    "Supermarket",
    "Parking Area",
    "Petrol Station",
    "Shopping Area",
    "Sports/Recreation Area",
    "Nightclub",
    "Further/Higher Educational Building",
    "Hospital",
    "Bus/Coach Station",
    "Theatre/Concert Hall",
    "Police Station",
    "Pedestrian Subway",
]

_STREET_FIRST = [
    "Ashcombe", "Barrowfield", "Bramblewick", "Calderby", "Carrowmore", "Dunmere", "Elderwood",
    "Fallowmere", "Fenbrook", "Gorsedale", "Greythorn", "Hallowfield", "Harcombe", "Hazelgrave",
    "Kestermoor", "Kilnbeck", "Larchmount", "Lindenholt", "Marrowby", "Millbeck", "Nethercross",
    "Northgate", "Oakhurst", "Oldcaster", "Orchardine", "Pellowby", "Quarrendon", "Ravensholt",
    "Rookwell", "Saltmarsh", "Sandholme", "Sheldrake", "Sorrelby", "Stonecroft", "Tanner",
    "Thistlecombe", "Upperthorn", "Vennick", "Wadebrook", "Wainfleetby", "Westerholt",
    "Whinmoor", "Willowgarth", "Wrenhallow", "Yarrowby", "Abbotsmead", "Bellfounder",
    "Chantry", "Cooper", "Dyer", "Ferrier", "Glover", "Mason", "Miller", "Ropewalk", "Slater",
]
_STREET_SUFFIX = [
    "Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Grove", "Terrace",
    "Place", "Gardens", "Walk", "Court", "Row", "Mews", "Rise", "View",
]

_FORENAMES_M = [
    "Aaron", "Adam", "Alfie", "Ben", "Callum", "Connor", "Craig", "Daniel", "Darren", "Dean",
    "Declan", "Ethan", "Gary", "Harvey", "Jack", "Jamie", "Jason", "Jordan", "Kane", "Kieran",
    "Lee", "Leon", "Liam", "Lewis", "Mark", "Mason", "Nathan", "Owen", "Reece", "Ryan", "Scott",
    "Shane", "Stuart", "Tyler", "Wayne", "Jonathan", "Michael", "Thomas", "Anthony", "Joseph",
]
_FORENAMES_F = [
    "Abbie", "Amy", "Bethany", "Chelsea", "Chloe", "Courtney", "Danielle", "Demi", "Ellie",
    "Emma", "Gemma", "Hayley", "Jade", "Jodie", "Kayleigh", "Kelly", "Laura", "Leanne", "Lisa",
    "Megan", "Natalie", "Paige", "Rachel", "Sam", "Shannon", "Stacey", "Tanya", "Toni", "Zoe",
    "Katherine", "Rebecca", "Victoria", "Samantha", "Nicola", "Joanne",
]
_SURNAME_HEAD = [  # syllables chosen so that head + tail is not a common real surname
    "Brack", "Brenn", "Cald", "Corm", "Fald", "Garth", "Gris", "Hark", "Hesk", "Kest", "Lorn",
    "Mard", "Mell", "Orm", "Pask", "Pell", "Quar", "Rath", "Sall", "Scarr", "Skel", "Tarn",
    "Threl", "Tull", "Vell", "Wark", "Wrax", "Yarl",
]
_SURNAME_TAIL = [
    "by", "thorpe", "wick", "ington", "ley", "den", "stow", "holt", "combe", "mere", "worth",
    "ham", "ridge", "field", "croft", "hurst",
]

# Postcode inward letters never use C, I, K, M, O or V.
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"
# Registration letters: no I or Q anywhere; Z is avoided too. The first letter is a DVLA
# region letter.
_REG_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_REG_REGION = "ABCDEFGHKLMNOPRSVWY"


def street_names(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct invented street names."""
    combos = [f"{a} {b}" for a in _STREET_FIRST for b in _STREET_SUFFIX]
    idx = rng.choice(len(combos), size=min(n, len(combos)), replace=False)
    return [combos[i] for i in idx]


def surname_pool() -> list[str]:
    """Return every invented surname (syllable head + tail), in a fixed order."""
    return [h + t for h in _SURNAME_HEAD for t in _SURNAME_TAIL]


def forename_pool(gender: str) -> list[str]:
    """Return the forename list for ``gender`` ("M" or "F")."""
    return list(_FORENAMES_M if gender == "M" else _FORENAMES_F)


def mobile_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct mobile numbers from Ofcom's drama range 07700 900000-900999."""
    idx = rng.choice(1000, size=n, replace=False)
    return [f"07700 900{i:03d}" for i in idx]


def landline_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct landline numbers from Ofcom's drama range 01632 960000-960999."""
    idx = rng.choice(1000, size=n, replace=False)
    return [f"01632 960{i:03d}" for i in idx]


def postcodes(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct postcodes in the non-existent area NX (e.g. ``NX9 4AB``)."""
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        district = int(rng.integers(1, 13))
        sector = int(rng.integers(0, 10))
        a, b = rng.choice(list(_INWARD), size=2)
        pc = f"NX{district} {sector}{a}{b}"
        if pc not in seen:
            seen.add(pc)
            out.append(pc)
    return out


def registrations(rng: np.random.Generator, n: int) -> list[str]:
    """Return ``n`` distinct registrations in the current UK format (e.g. ``AB12 CDE``).

    The age identifier is valid for its half-year: ``02``-``25`` for March issues and
    ``51``-``75`` for September issues (2001-2025).
    """
    ages = [f"{y:02d}" for y in range(2, 26)] + [f"{y:02d}" for y in range(51, 76)]
    out: list[str] = []
    seen: set[str] = set()
    letters = list(_REG_LETTERS)
    while len(out) < n:
        mem = str(rng.choice(list(_REG_REGION))) + str(rng.choice(letters))
        age = ages[int(rng.integers(0, len(ages)))]
        rand = "".join(rng.choice(letters, size=3))
        reg = f"{mem}{age} {rand}"
        if reg not in seen:
            seen.add(reg)
            out.append(reg)
    return out
