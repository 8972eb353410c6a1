"""Identifying numbers: NHS numbers (with a valid modulus-11 check digit), National
Insurance numbers, and mobile and landline phone numbers in the forms people write them."""

from __future__ import annotations

import random
import re

# National Insurance prefixes: first letter not D F I Q U V; second not D F I O Q U V;
# BG GB KN NK NT TN ZZ are not issued.
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"
_NI_BAD = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def nhs_check_digit(nine: str) -> int | None:
    """Modulus-11 check digit of the first nine digits; None when the remainder gives 10."""
    total = sum(int(d) * (10 - i) for i, d in enumerate(nine))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def is_valid_nhs_number(text: str) -> bool:
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    return nhs_check_digit(digits[:9]) == int(digits[9])


def nhs_number(rng: random.Random) -> str:
    while True:
        first = rng.choice(("4", "4", "6", "7", "9"))
        nine = first + "".join(str(rng.randrange(10)) for _ in range(8))
        check = nhs_check_digit(nine)
        if check is not None:
            digits = nine + str(check)
            break
    style = rng.random()
    if style < 0.55:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if style < 0.85:
        return digits
    return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


def ni_number(rng: random.Random) -> str:
    while True:
        prefix = rng.choice(_NI_FIRST) + rng.choice(_NI_SECOND)
        if prefix not in _NI_BAD:
            break
    digits = "".join(str(rng.randrange(10)) for _ in range(6))
    suffix = rng.choice("ABCD")
    style = rng.random()
    if style < 0.45:
        return f"{prefix} {digits[:2]} {digits[2:4]} {digits[4:]} {suffix}"
    if style < 0.85:
        return f"{prefix}{digits}{suffix}"
    return f"{prefix} {digits} {suffix}"


def mobile(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.35:  # Ofcom drama range: not a valid number to libphonenumber
        tail = f"{rng.randrange(1000):03d}"
        return rng.choice((f"07700 900{tail}", f"07700900{tail}", f"07700 900 {tail}"))
    body = f"7{rng.choice('123456789')}{rng.randrange(100):02d}"
    rest = f"{rng.randrange(1_000_000):06d}"
    if kind < 0.55:
        return f"0{body} {rest}"
    if kind < 0.7:
        return f"0{body}{rest}"
    if kind < 0.8:
        return f"0{body} {rest[:3]} {rest[3:]}"
    if kind < 0.93:
        return f"+44 {body} {rest}"
    return f"0{body} {rest[:5]}"  # a digit short: mistyped, still an identifier


def landline(rng: random.Random) -> str:
    tail3 = f"{rng.randrange(1000):03d}"
    tail4 = f"{rng.randrange(10_000):04d}"
    kind = rng.random()
    if kind < 0.2:
        return f"01632 960{tail3}"  # drama range, invalid to libphonenumber
    if kind < 0.35:
        return f"020 7946 0{tail3}"
    if kind < 0.5:
        code = rng.choice(("0161", "0113", "0114", "0115", "0116", "0117", "0121", "0191"))
        return f"{code} 496 0{tail3}"
    if kind < 0.6:
        code = rng.choice(("161", "113", "121", "117"))
        return f"+44 (0){code} 496 0{tail3}"
    if kind < 0.75:
        return f"020 {rng.choice('3789')}{rng.randrange(1000):03d} {tail4}"
    if kind < 0.9:
        code = rng.choice(("0113", "0161", "0114", "0121", "0191", "0117"))
        return f"{code} {rng.randint(2, 9)}{rng.randrange(100):02d} {tail4}"
    code = rng.choice(("01904", "01423", "01274", "01484", "01924", "01302", "01482"))
    return f"{code} {rng.randint(2, 9)}{rng.randrange(100_000):05d}"
