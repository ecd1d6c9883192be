"""Three short reports written by the team in its own words: the same news in English, Russian and Urdu, all three
declaring `"language": "en"` (a feed that mislabels its items) so that only detection from the text can tell them."""

from __future__ import annotations

PUBLISHED = "2022-02-15T09:00:00+00:00"

REPORTS = {
    "en": (
        "The defence minister said on Tuesday that the army would pull two battalions back from the border region. "
        '"The exercises are over and the units are returning to their bases," he told reporters in the capital.'
    ),
    "ru": (
        "Министр обороны заявил во вторник, что армия отведёт два батальона от приграничного района. "
        "По его словам, учения закончились, и подразделения возвращаются в свои казармы."
    ),
    "ur": (
        "وزیر دفاع نے منگل کو کہا کہ فوج سرحدی علاقے سے دو بٹالین واپس بلا لے گی۔ "
        "انہوں نے صحافیوں کو بتایا کہ مشقیں ختم ہو چکی ہیں اور دستے اپنے اڈوں کو لوٹ رہے ہیں۔"
    ),
}


def report(language: str) -> dict:
    return {
        "id": f"report-{language}",
        "outlet": "Team Desk",
        "published_at": PUBLISHED,
        "text": REPORTS[language],
        "language": "en",
    }
