"""Password rule against context words (ASVS 6.2.11): nothing an attacker would try first.

A password built from the county's name (临河县 / linhe), a township's (城关街道 /
chengguanjiedao), the campaign's words (wuye 物业, 12345 the hotline, zhengzhitong the product)
or the account's own username falls to the first guesses of anyone who knows where the system
is used. The list comes from settings.PASSWORD_CONTEXT_WORDS plus, read from the database, the
names of the city, county/district and township regions and their pinyin, so a new deployment is
covered without editing it.
"""

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Shorter words would refuse too much by accident ("he", "li"); Chinese words of 2 characters are specific.
MIN_LATIN_WORD = 3
MIN_CJK_WORD = 2
# Suffixes dropped to get the bare place name: 临河县 → 临河, 城关街道 → 城关 (longest first).
REGION_SUFFIXES = ("街道办事处", "自治县", "自治州", "街道", "新区", "市", "县", "区", "州", "旗", "盟", "镇", "乡")  # fmt: skip
# A county has a few dozen townships; communities (thousands, names like 幸福) would refuse too much.
MAX_REGIONS = 500


def normalise(text: str) -> str:
    """Case-folded, full-width folded (ＷＵＹＥ → wuye), and with separators removed (lin-he → linhe)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return re.sub(r"[\s\-_.·,，。/\\|]+", "", folded)


def _long_enough(word: str) -> bool:
    if any(unicodedata.east_asian_width(ch) in "WF" for ch in word):
        return len(word) >= MIN_CJK_WORD
    return len(word) >= MIN_LATIN_WORD


def region_words() -> set[str]:
    """The city, county/district and township names of this deployment, bare and in pinyin."""
    from pypinyin import lazy_pinyin

    from orgs.models import Region

    levels = [Region.Level.CITY, Region.Level.DISTRICT, Region.Level.TOWNSHIP]
    names = Region.objects.filter(level__in=levels).values_list("name", flat=True)[:MAX_REGIONS]
    words: set[str] = set()
    for name in names:
        bare = next(
            (name[: -len(s)] for s in REGION_SUFFIXES if name.endswith(s) and len(name) > len(s)), name
        )
        for form in {name, bare}:
            words.update({form, "".join(lazy_pinyin(form))})
    return words


class ContextWordsValidator:
    """Refuse a password that contains a context word, the region names or the username."""

    def __init__(self, words: list[str] | None = None, use_regions: bool = True):
        self.extra_words = words
        self.use_regions = use_regions

    def context_words(self, user=None) -> set[str]:
        words = set(self.extra_words if self.extra_words is not None else settings.PASSWORD_CONTEXT_WORDS)
        if self.use_regions:
            words |= region_words()
        if user is not None and getattr(user, "username", ""):
            words.add(user.username)
        return {normalise(w) for w in words if _long_enough(normalise(w))}

    def validate(self, password: str, user=None) -> None:
        candidate = normalise(password)
        found = sorted(w for w in self.context_words(user) if w in candidate)
        if found:
            raise ValidationError(
                _("密码不能包含容易被猜到的词语：%(words)s（如本地地名及其拼音、wuye、12345、用户名）。"),
                code="password_context_word",
                params={"words": "、".join(found)},
            )

    def get_help_text(self) -> str:
        return _("密码不能包含本地地名及其拼音、“wuye”“12345”“zhengzhitong”等常见词语，也不能包含用户名。")
