"""The seed plans' text, read from the repository (campaigns/presets/sources/), never from outside it.

The seeds are the presets' source documents; a fresh clone carries them, so the suite needs nothing beside
the checkout.
"""

from campaigns.preset_sources import SOURCES_DIR


def seed_text(prefix: str) -> str:
    """The text of seed `prefix` (000 … 004) as published; a missing seed fails loudly, never silently skips."""
    matches = sorted(SOURCES_DIR.glob(f"{prefix}_*.txt"))
    if not matches:
        raise FileNotFoundError(f"seed {prefix} not found under {SOURCES_DIR}")
    return matches[0].read_text(encoding="utf-8")
