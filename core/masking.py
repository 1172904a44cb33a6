"""Masked personal data for roles that do not need the whole of it (PIPL, GB/T 35273).

A masked 身份证号 must not be undone with what the same page shows: ``140431********7903`` plus
a birth date of 1963年6月7日 gave the whole number back (the check character pins the rest).
So the mask keeps only the province and city (4 digits) and the last two characters, and the
pages show those roles the birth year alone. A phone keeps its first three and last four
digits (138****1234), enough to recognise, not to call.
"""

from __future__ import annotations


def mask_id_number(number: str | None) -> str:
    number = number or ""
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:4]}{'*' * 12}{number[-2:]}"


def mask_phone(phone: str | None) -> str:
    phone = (phone or "").strip()
    digits = [c for c in phone if c.isdigit()]
    if not phone:
        return ""
    if len(digits) < 7:
        return "*" * len(phone)
    return f"{''.join(digits[:3])}****{''.join(digits[-4:])}"


# Fields whose values the audit page masks (it is read by the 审计员, who needs to see that a
# number changed, not the number).
SENSITIVE_FIELDS = {"id_number": mask_id_number, "phone": mask_phone}
