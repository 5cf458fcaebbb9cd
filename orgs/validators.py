"""统一社会信用代码 (unified social credit code) check, GB 32100-2015."""

import unicodedata

from django.core.exceptions import ValidationError

# GB 32100-2015 §4: the code uses digits and upper-case letters except I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The 18th character: 31 − (Σ value×weight mod 31), mapped back into the alphabet."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(raw: object) -> str:
    """What a person typed into a spreadsheet: full-width characters, spaces, lower case → the code."""
    text = unicodedata.normalize("NFKC", str(raw or ""))
    return "".join(text.split()).upper()


def is_valid_uscc(code: str) -> bool:
    """True for a well-formed code with the right check character; the code must already be upper case."""
    code = code or ""
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def uscc_problem(code: str) -> str | None:
    """Why a code is not valid, in Chinese, or None when it is."""
    if len(code) != 18:
        return f"统一社会信用代码“{code}”应为18位，实际{len(code)}位"
    bad = sorted({ch for ch in code if ch not in USCC_ALPHABET})
    if bad:
        return (
            f"统一社会信用代码“{code}”含有不允许的字符：{'、'.join(bad)}（不使用I、O、Z、S、V，字母须大写）"
        )
    if uscc_check_char(code[:17]) != code[17]:
        return f"统一社会信用代码“{code}”校验位错误（应为{uscc_check_char(code[:17])}）"
    return None


def validate_uscc(code: str) -> None:
    problem = uscc_problem(code or "")
    if problem:
        raise ValidationError(problem, code="invalid_uscc")
