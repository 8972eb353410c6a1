"""A small seeded corpus with three planted themes: the method's tests (which must run
without any external data set) and demonstrations use it. All text is invented."""

from __future__ import annotations

import random

THEMES: dict[str, list[str]] = {
    "medication": [
        "the foster carer gave the wrong medication dose at bedtime",
        "the pharmacy label on the tablets was unclear about the dose",
        "the medicine chart was not signed after the evening dose",
        "a second carer checked the tablets and caught the dose error",
    ],
    "visits": [
        "the social worker missed the statutory home visit this month",
        "the visit was cancelled when the duty rota changed at short notice",
        "nobody noticed the overdue visit until the manager reviewed the rota",
        "the home visit record showed the child had not been seen alone",
    ],
    "sharing": [
        "the school referral was not passed to the safeguarding hub",
        "the health visitor information was not shared with the hub",
        "the referral email went to an old inbox and nobody replied",
        "the police notification reached the hub two days after the strategy meeting",
    ],
}
FILLER = [
    "we discussed it in supervision",
    "the team agreed what to change",
    "it was reported the same day",
]


def corpus(per_theme: int = 12, seed: int = 3) -> tuple[list[str], list[str]]:
    """Texts and their planted theme, interleaved so no theme is a block of rows."""
    rng = random.Random(seed)  # noqa: S311 (seeded test text, not a secret)
    texts: list[str] = []
    themes: list[str] = []
    for i in range(per_theme):
        for theme, sentences in THEMES.items():
            chosen = [*rng.sample(sentences, 3), rng.choice(FILLER)]
            rng.shuffle(chosen)
            texts.append(f"Report {i}. " + ". ".join(chosen) + ".")
            themes.append(theme)
    return texts, themes
