"""The words every exhibit blocks unless its configuration says otherwise.

Deliberately short and conservative, for a children's museum: a false refusal
of an innocent prompt costs a visitor more than it protects, so words with a
common innocent meaning at the exhibit are left out ("blood orange", "water
gun", "photo shoot", "chicken breast", "bath bomb", "killer whale"). A
deployment extends the list with a word-list file (its language, its local
slang); it does not need to edit code.

Entries are single words, written plainly: the filter itself catches the
case, leet, spacing and stretched-letter disguises and the endings -s, -es,
-ed, -ing and -y, so no entry needs variants.
"""

from __future__ import annotations

DEFAULT_WORDS: dict[str, tuple[str, ...]] = {
    "violence": (
        "kill", "murder", "stab", "behead", "decapitate", "massacre", "slaughter", "torture",
        "corpse", "suicide", "gunshot", "bloody", "gory", "gruesome",
    ),
    "sexual": (
        "sex", "porn", "porno", "nude", "naked", "nsfw", "erotic", "fetish", "orgasm", "horny",
        "boob", "penis", "vagina", "genital", "topless", "rape",
    ),
    "hateful": (
        "nazi", "hitler", "swastika", "nigger", "nigga", "faggot", "retard", "kike", "tranny",
        "fuck", "fucker", "motherfucker", "shit", "cunt", "bitch", "bastard", "whore", "slut",
        "asshole", "dickhead",
    ),
    "drugs": ("cocaine", "heroin", "meth"),
}  # fmt: skip
"""Blocked words by category; the category, never the word, is what a refusal tells the visitor."""
