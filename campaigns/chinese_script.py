"""Traditional → simplified characters, for a plan whose source page was in traditional characters.

Seed 004 (常熟) was published in traditional characters; people there write simplified, so what the
app shows and stores is converted with OpenCC's phrase-aware "t2s" table, not character by character.
"""

from functools import cache

import opencc


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text)


def simplify_strings(value):
    """The same JSON-shaped value with every string in it converted (dict keys are left as written)."""
    if isinstance(value, str):
        return to_simplified(value)
    if isinstance(value, list):
        return [simplify_strings(v) for v in value]
    if isinstance(value, dict):
        return {k: simplify_strings(v) for k, v in value.items()}
    return value
