"""Which of the platform's languages a client asks for."""

from __future__ import annotations

from amicable.models.enums import Language


def negotiate(accept_language: str | None) -> Language | None:
    """The first of nl, fr, en in an `Accept-Language` header, by the client's weights
    (RFC 9110 section 12.5.4); None when it names none of them."""
    if not accept_language:
        return None
    ranked: list[tuple[float, int, Language]] = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, rest = part.strip().partition(";")
        weight = 1.0
        for param in rest.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().lower().split("-")[0]
        if weight > 0 and primary in {lang.value for lang in Language}:
            ranked.append((-weight, position, Language(primary)))
    return min(ranked)[2] if ranked else None
