"""The password policy (scorecard/passwords.py and AUTH_PASSWORD_VALIDATORS): 12 characters,
three kinds of character, not a word plus a number, not the city's or the system's names."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import override_settings

from scorecard.passwords import (
    CharacterClassesValidator,
    ForbiddenWordsValidator,
    MinimumLengthValidator,
    WordAndNumberValidator,
    character_classes,
)
from tests.factories import UserFactory


def refusals(password: str, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    ["Blue-river-7-stones", "Xk9#mP2$vL7q", "correct Horse 4 battery", "Tea at 3, then 5 km"],
)
def test_strong_passwords_pass(password):
    assert refusals(password) == []


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Qingchuan2026", "password_word_and_number"),  # 13 characters, three kinds
        ("Qingchuan@2026!", "password_word_and_number"),
        ("2026Statistics!", "password_word_and_number"),
        ("Administrator1!", "password_word_and_number"),
        ("Short-1a", "password_too_short"),
        ("lowercase-only-words", "password_too_simple"),
        ("ALLCAPS AND SPACES", "password_too_simple"),
        ("123456789012", "password_entirely_numeric"),
        ("Qingchuan-blue-7", "password_forbidden_word"),
        ("Q1ngchuan-blue-7", "password_forbidden_word"),  # a digit for a letter
        ("my-K@ohe-pass-7", "password_forbidden_word"),
        ("Scorecard is 100% fine", "password_forbidden_word"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    assert code in refusals(password)


def test_qingchuan2026_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as refused:
        validate_password("Qingchuan2026")
    messages = refused.value.messages
    assert any("不能只是一个单词或拼音加一串数字" in m and "Qingchuan2026" in m for m in messages)
    assert any("本市或本系统的名称（“qingchuan”）" in m for m in messages)


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused():
    user = UserFactory(username="reporter_a", first_name="晓燕", last_name="王")
    assert "password_too_similar" in refusals("reporter_a-Extra9", user)


def test_the_forbidden_words_come_from_the_settings():
    with override_settings(PASSWORD_FORBIDDEN_WORDS=["Huaxi", "abc"]):
        assert "password_forbidden_word" in refusals("Huaxi-blue-river-7")
        assert refusals("Qingchuan-blue-7") == []
        assert refusals("Abc-blue-river-7") == []  # too short a word to forbid
    assert ForbiddenWordsValidator(words=["river"]).words == ["river"]


@pytest.mark.parametrize(
    ("password", "kinds"),
    [("abc", 1), ("aB", 2), ("aB3", 3), ("aB3-", 4), ("中文密码", 1), ("aB 3", 4), ("", 0)],
)
def test_character_classes(password, kinds):
    assert character_classes(password) == kinds


def test_the_length_rule_speaks_chinese():
    """Django 5.2's own Chinese catalogue lacks this message's wording."""
    with pytest.raises(ValidationError, match="密码太短：至少要有 12 个字符"):
        validate_password("Short-1a")
    assert MinimumLengthValidator(12).get_help_text() == "密码至少要有 12 个字符。"


def test_help_texts_are_chinese():
    assert "四类字符中的 3 类" in CharacterClassesValidator().get_help_text()
    assert "Qingchuan2026" in WordAndNumberValidator().get_help_text()
    assert "本市或本系统的名称" in ForbiddenWordsValidator().get_help_text()
