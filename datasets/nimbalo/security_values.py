"""Secret values for the security snapshot: the types, checksums done right, and a drawer that
never hands out the same value twice.

Part of :mod:`nimbalo.security` (``datasets/security/``); :mod:`nimbalo.security_secrets` plants
these values in articles and tickets. Card numbers are test-style numbers, phones use fictional
ranges (US 555-01xx, UK 020 7946 0xxx), emails use example.com/org/net.
"""

from __future__ import annotations

import random
import string

# Ground-truth type names are Presidio's entity names where Presidio has one.
SECRET_TYPES = (
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "IBAN_CODE",
    "PERSON",
    "NIMBALO_API_KEY",
    "AWS_ACCESS_KEY",
    "BEARER_TOKEN",
)
DECOY_TYPE = "CARD_DECOY"  # 16-digit reference number that fails Luhn: not a card, not a secret
UPDATED = "2024-12-02"  # fixed date of the secret/injection articles

LAST_NAMES = (
    "Okafor Lindqvist Moreau Tanaka Haddad Kowalski Fernandes Novak Mensah Larsen Castillo "
    "Ivanova Brennan Achterberg Quispe Nakamura Oyelaran Rossi Schreiber Delacroix Abara "
    "Varga Whitlock Sorensen Mbeki Petrov Harrow Cardoso Yilmaz Fitzgerald"
).split()
STAFF_FIRST = "Imogen Rafael Tereza Callum Noor Benedikt Yusuf Oksana Declan Marisol".split()
EMAIL_DOMAINS = ("example.com", "example.org", "example.net", "billing.example.com")

# --------------------------------------------------------------------------------------------
# Value generators (checksums done right, so Presidio's validators have real work to do)
# --------------------------------------------------------------------------------------------


def luhn_valid(number: str) -> bool:
    """Luhn checksum of the digits in ``number`` (spaces and dashes ignored)."""
    digits = [int(c) for c in number if c.isdigit()]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return len(digits) > 1 and total % 10 == 0


def _luhn_digit(partial: str) -> str:
    for d in "0123456789":
        if luhn_valid(partial + d):
            return d
    raise AssertionError("unreachable")


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod-97 check of an IBAN (spaces ignored)."""
    s = iban.replace(" ", "").upper()
    s = s[4:] + s[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97 == 1


def _card(rng: random.Random, valid: bool) -> str:
    kind = rng.choice(["visa", "visa", "mc", "amex"])
    if kind == "amex":
        body = rng.choice(["34", "37"]) + "".join(rng.choices(string.digits, k=12))
        groups = (4, 6, 5)
    else:
        head = "4" if kind == "visa" else str(rng.randint(51, 55))
        body = head + "".join(rng.choices(string.digits, k=15 - len(head)))
        groups = (4, 4, 4, 4)
    last = _luhn_digit(body)
    if not valid:
        last = str((int(last) + rng.randint(1, 9)) % 10)
    num = body + last
    sep = rng.choice([" ", " ", "-", ""])
    out, i = [], 0
    for g in groups:
        out.append(num[i : i + g])
        i += g
    return sep.join(out)


def _iban(rng: random.Random) -> str:
    country, bban = rng.choice(
        [
            ("DE", "".join(rng.choices(string.digits, k=18))),
            ("GB", "".join(rng.choices("ABCDEFGHJKLMNPRSTWXYZ", k=4)) + _digits(rng, 14)),
            ("NL", "".join(rng.choices("ABCDEFGHJKLMNPRSTWXYZ", k=4)) + _digits(rng, 10)),
            ("FR", _digits(rng, 23)),
        ]
    )
    num = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    iban = f"{country}{98 - num % 97:02d}{bban}"
    assert iban_valid(iban)
    if rng.random() < 0.6:  # printed form: groups of four
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return iban


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choices(string.digits, k=k))


def _phone(rng: random.Random) -> str:
    n = rng.randint(100, 199)  # 555-0100..0199 and 020 7946 0xxx are reserved for fiction
    area = rng.choice(["212", "312", "415", "617", "646", "720"])
    return rng.choice(
        [
            f"+1 {area}-555-01{n % 100:02d}",
            f"({area}) 555-01{n % 100:02d}",
            f"{area}.555.01{n % 100:02d}",
            f"+44 20 7946 0{n:03d}",
            f"020 7946 0{n:03d}",
        ]
    )


def _alnum(rng: random.Random, k: int, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choices(alphabet, k=k))


def _api_key(rng: random.Random) -> str:
    return rng.choice(["nmb_live_", "nmb_live_", "nmb_test_"]) + _alnum(rng, 32)


def _aws_key(rng: random.Random) -> str:
    return "AKIA" + _alnum(rng, 16, string.ascii_uppercase + "234567")


def _jwt(rng: random.Random) -> str:
    b64 = string.ascii_letters + string.digits + "-_"
    return "eyJ" + _alnum(rng, 33, b64) + ".eyJ" + _alnum(rng, 57, b64) + "." + _alnum(rng, 43, b64)


class _Draw:
    """Draws secret values of each type, never the same one twice."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng, self.taken = rng, taken

    def __call__(self, kind: str, person: tuple[str, str] | None = None) -> str:
        rng = self.rng
        for _ in range(1000):
            if kind == "EMAIL_ADDRESS":
                first, last = person or (rng.choice(STAFF_FIRST), rng.choice(LAST_NAMES))
                sep = rng.choice([".", "_", ""])
                v = f"{first.lower()}{sep}{last.lower()}{rng.choice(['', str(rng.randint(2, 99))])}@{rng.choice(EMAIL_DOMAINS)}"
            elif kind == "PHONE_NUMBER":
                v = _phone(rng)
            elif kind == "CREDIT_CARD":
                v = _card(rng, valid=True)
            elif kind == DECOY_TYPE:
                v = _card(rng, valid=False)
            elif kind == "IBAN_CODE":
                v = _iban(rng)
            elif kind == "NIMBALO_API_KEY":
                v = _api_key(rng)
            elif kind == "AWS_ACCESS_KEY":
                v = _aws_key(rng)
            elif kind == "BEARER_TOKEN":
                v = _jwt(rng)
            else:
                raise ValueError(kind)
            if v not in self.taken:
                self.taken.add(v)
                return v
        raise RuntimeError(f"could not draw a fresh {kind}")
