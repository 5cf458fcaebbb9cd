import pytest
from django.core.exceptions import ValidationError

from orgs.validators import is_valid_uscc, normalize_uscc, uscc_check_char, uscc_problem, validate_uscc

# Published codes of real organisations (check digits computed by their issuers).
VALID = ["91350100M000100Y43", "91110000600037341L", "911100001011596199"]


@pytest.mark.parametrize("code", VALID)
def test_published_codes_are_valid(code):
    assert is_valid_uscc(code)
    validate_uscc(code)


@pytest.mark.parametrize("code", VALID)
def test_any_other_check_character_is_rejected(code):
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if wrong != code[17]:
            assert not is_valid_uscc(code[:17] + wrong)
    assert "校验位错误" in uscc_problem(code[:17] + ("0" if code[17] != "0" else "1"))


@pytest.mark.parametrize("letter", "IOZSV")
def test_letters_outside_the_alphabet_are_rejected(letter):
    code = "91350100M000100" + letter + "43"
    assert not is_valid_uscc(code)
    assert "不允许的字符" in uscc_problem(code)


def test_lower_case_is_rejected_by_the_validator_but_normalised_from_a_spreadsheet():
    assert not is_valid_uscc("91350100m000100y43")
    with pytest.raises(ValidationError):
        validate_uscc("91350100m000100y43")
    assert normalize_uscc(" ９１３５０１００ｍ０００１００ｙ４３ ") == "91350100M000100Y43"


@pytest.mark.parametrize("code", ["", "9135010", "91350100M000100Y43X"])
def test_wrong_length_is_rejected_with_its_length(code):
    assert not is_valid_uscc(code)
    assert "应为18位" in uscc_problem(code)


def test_check_character_is_computed_from_the_first_seventeen():
    assert uscc_check_char("91350100M000100Y4") == "3"
