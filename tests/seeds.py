"""Where the five seed plans are: `shared/seeds` beside the checkout (CI clones main with shared/ next to it).

SHARED_DIR overrides it for a checkout kept somewhere else.
"""

import os
from pathlib import Path

SHARED_DIR = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / "shared"))
SEEDS_DIR = SHARED_DIR / "seeds"


def seed_text(prefix: str) -> str:
    """The text of seed `prefix` (000 … 004); a missing seed fails loudly, never silently skips."""
    matches = sorted(SEEDS_DIR.glob(f"{prefix}_*.txt"))
    if not matches:
        raise FileNotFoundError(f"seed {prefix} not found under {SEEDS_DIR} (set SHARED_DIR)")
    return matches[0].read_text(encoding="utf-8")
