"""统一社会信用代码 (unified social credit code) check, GB 32100-2015."""

from django.core.exceptions import ValidationError

# GB 32100-2015 §4: the code uses digits and upper-case letters except I, O, Z, S, V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The 18th character: 31 − (Σ value×weight mod 31), mapped back into the alphabet."""
    total = sum(USCC_ALPHABET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    code = (code or "").strip().upper()
    if len(code) != 18 or any(ch not in USCC_ALPHABET for ch in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


def validate_uscc(code: str) -> None:
    if not is_valid_uscc(code):
        raise ValidationError("统一社会信用代码“%(code)s”无效（应为18位且校验位正确）", params={"code": code})
