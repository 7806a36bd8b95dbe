"""The badge and chart as SVG, in nl, fr or en.

Safe to embed: no script, no external reference, no event attribute; every text we did not
write (the company's name) is escaped, and the document is a fixed template otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from amicable.infra.score_window import MonthFigures
from amicable.resolvers.widgets import BadgeFigures

LANGUAGES = ("nl", "fr", "en")

_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "very poor": "very poor",
        "poor": "poor",
        "fair": "fair",
        "good": "good",
        "very good": "very good",
        "not enough data": "not enough data",
        "complaint": "complaint",
        "complaints": "complaints",
        "in months": "in the last {n} months",
        "per month": "Complaints per month",
        "received": "received",
        "answered": "answered",
    },
    "nl": {
        "very poor": "zeer slecht",
        "poor": "slecht",
        "fair": "matig",
        "good": "goed",
        "very good": "zeer goed",
        "not enough data": "onvoldoende gegevens",
        "complaint": "klacht",
        "complaints": "klachten",
        "in months": "in de laatste {n} maanden",
        "per month": "Klachten per maand",
        "received": "ontvangen",
        "answered": "beantwoord",
    },
    "fr": {
        "very poor": "très mauvais",
        "poor": "mauvais",
        "fair": "moyen",
        "good": "bon",
        "very good": "très bon",
        "not enough data": "pas assez de données",
        "complaint": "plainte",
        "complaints": "plaintes",
        "in months": "sur les {n} derniers mois",
        "per month": "Plaintes par mois",
        "received": "reçues",
        "answered": "répondues",
    },
}
_MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "nl": ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"],
    "fr": [
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    ],
}
_COLOURS = {
    "very poor": "#b3261e",
    "poor": "#e8710a",
    "fair": "#c9a400",
    "good": "#5b9e2d",
    "very good": "#1e7d32",
}
_FONT = 'font-family="DejaVu Sans,Verdana,Arial,sans-serif"'
_MAX_NAME = 40


def _text(value: str) -> str:
    return escape(value, {'"': "&quot;", "'": "&apos;"})


def _name(name: str) -> str:
    return name if len(name) <= _MAX_NAME else name[: _MAX_NAME - 1] + "…"


def _number(value: float, lang: str) -> str:
    shown = f"{value:.1f}"
    return shown.replace(".", ",") if lang in ("nl", "fr") else shown


def badge(figures: BadgeFigures, lang: str) -> str:
    words = _WORDS[lang]
    count = figures.received
    noun = words["complaint"] if count == 1 else words["complaints"]
    if figures.value is None or figures.label is None:
        score, label, colour = "\u2013", words["not enough data"], "#6b6b6b"
    else:
        score = _number(figures.value, lang)
        label, colour = words[figures.label], _COLOURS[figures.label]
    title = f"{_name(figures.company_name)}: {score} ({label}), {count} {noun}"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="320" height="72" '
        f'viewBox="0 0 320 72" role="img" aria-label="{_text(title)}" lang="{lang}">'
        f"<title>{_text(title)}</title>"
        '<rect width="320" height="72" rx="6" fill="#ffffff" stroke="#d0d0d0"/>'
        f'<rect x="8" y="8" width="72" height="56" rx="4" fill="{colour}"/>'
        f'<text id="score" x="44" y="44" text-anchor="middle" {_FONT} font-size="22" '
        f'font-weight="bold" fill="#ffffff">{_text(score)}</text>'
        f'<text id="name" x="92" y="26" {_FONT} font-size="13" font-weight="bold" '
        f'fill="#222222">{_text(_name(figures.company_name))}</text>'
        f'<text id="label" x="92" y="44" {_FONT} font-size="12" fill="{colour}">'
        f"{_text(label)}</text>"
        f'<text id="count" x="92" y="60" {_FONT} font-size="11" fill="#555555">'
        f"{count} {_text(noun)} {_text(words['in months'].format(n=figures.window_months))}</text>"
        "</svg>"
    )


def chart(company_name: str, series: Sequence[MonthFigures], lang: str) -> str:
    words, months = _WORDS[lang], _MONTHS[lang]
    width, height, left, top, plot = 520, 220, 16, 44, 130
    slot = (width - 2 * left) / max(len(series), 1)
    peak = max([m.received for m in series] + [1])
    title = f"{_name(company_name)}: {words['per month']}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_text(title)}" lang="{lang}">',
        f"<title>{_text(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="#ffffff" stroke="#d0d0d0"/>',
        f'<text id="title" x="{left}" y="22" {_FONT} font-size="13" font-weight="bold" '
        f'fill="#222222">{_text(title)}</text>',
        f'<rect x="{width - 190}" y="12" width="10" height="10" fill="#9db8d9"/>'
        f'<text x="{width - 176}" y="21" {_FONT} font-size="10" fill="#333333">'
        f"{_text(words['received'])}</text>"
        f'<rect x="{width - 100}" y="12" width="10" height="10" fill="#2f6db3"/>'
        f'<text x="{width - 86}" y="21" {_FONT} font-size="10" fill="#333333">'
        f"{_text(words['answered'])}</text>",
    ]
    base = top + plot
    for index, month in enumerate(series):
        x = left + index * slot
        bar = slot * 0.36
        for offset, value, colour, kind in (
            (slot * 0.12, month.received, "#9db8d9", "received"),
            (slot * 0.5, month.answered, "#2f6db3", "answered"),
        ):
            h = plot * value / peak
            parts.append(
                f'<rect class="{kind}" x="{x + offset:.1f}" y="{base - h:.1f}" '
                f'width="{bar:.1f}" height="{h:.1f}" fill="{colour}"/>'
            )
        label = f"{months[month.month.month - 1]} {month.month.year % 100:02d}"
        value_y = base - 4 - plot * month.received / peak
        parts.append(
            f'<g class="month" data-month="{month.month.isoformat()}">'
            f'<text class="received-value" x="{x + slot / 2:.1f}" y="{value_y:.1f}" '
            f'text-anchor="middle" {_FONT} font-size="9" fill="#333333">{month.received}</text>'
            f'<text class="answered-value" x="{x + slot / 2:.1f}" y="{base + 26}" '
            f'text-anchor="middle" {_FONT} font-size="9" fill="#2f6db3">{month.answered}</text>'
            f'<text class="month-label" x="{x + slot / 2:.1f}" y="{base + 14}" '
            f'text-anchor="middle" {_FONT} font-size="9" fill="#555555">{_text(label)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
