"""Password rules beyond Django's four validators (settings.AUTH_PASSWORD_VALIDATORS).

The policy, all of which a new password must pass (the change-password page, the admin's user
forms, `createsuperuser` and `changepassword`):

- at least 12 characters (Django's MinimumLengthValidator, min_length=12, with its message in
  this project's catalogue: Django 5.2's Chinese catalogue misses the message's new wording,
  which so showed in English);
- not one of the 20,000 commonest passwords, not all digits, not too like the user's own
  name or user name (Django's CommonPasswordValidator, NumericPasswordValidator and
  UserAttributeSimilarityValidator);
- at least three of the four kinds of character: upper case, lower case, digits, symbols
  (CharacterClassesValidator). This is how assessors read the complexity requirement of
  等保 2.0 (GB/T 22239-2019, 8.1.4.1 a: 身份鉴别信息具有复杂度要求), which a government
  intranet system is assessed against; with 12 characters it is stricter than the usual
  "8 characters, three kinds";
- not one word (or pinyin) followed or preceded by a number, symbols at most around them, as
  in "Qingchuan2026", "Admin@123456" or "2026Kaohe!" (WordAndNumberValidator). Such a password
  passes the length and the three kinds, yet it is the first shape password-guessing tools
  try: a dictionary word (or the city's or system's name) with a year or a counter appended.
  Refusing the shape, rather than guessing which words are "dictionary words", needs no word
  list and stays predictable for users: a digit or symbol inside the letters, or a phrase of
  several words, passes;
- not containing the city's or the system's own names (ForbiddenWordsValidator, the words
  from settings.PASSWORD_FORBIDDEN_WORDS), read through the usual letter-for-digit swaps
  (Q1ngchuan, K@ohe). NIST SP 800-63B (5.1.1.2) names such context-specific words among the
  values a new password is checked against.

Messages are Chinese source strings, translated through the catalogue like the rest of the UI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# one run of ASCII letters and one run of digits, in either order, with nothing but symbols
# before, between and after them
_WORD_AND_NUMBER = re.compile(
    r"^[^A-Za-z0-9]*(?:[A-Za-z]+[^A-Za-z0-9]*[0-9]+|[0-9]+[^A-Za-z0-9]*[A-Za-z]+)[^A-Za-z0-9]*$"
)
# the usual swaps of a letter for a digit or symbol, undone before looking for a forbidden word
_UNSWAP = str.maketrans({"0": "o", "1": "i", "!": "i", "3": "e", "4": "a", "@": "a", "5": "s"})
_UNSWAP_ALT = str.maketrans({"1": "l", "!": "l", "$": "s", "7": "t", "9": "g", "8": "b"})
# words this short are left out: they would refuse too many unrelated passwords
_SHORTEST_FORBIDDEN_WORD = 4


def character_classes(password: str) -> int:
    """How many of the four kinds (upper case, lower case, digits, anything else) it uses."""
    kinds = (str.isupper, str.islower, str.isdigit)
    count = sum(1 for kind in kinds if any(kind(char) for char in password))
    if any(not (char.isupper() or char.islower() or char.isdigit()) for char in password):
        count += 1
    return count


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with a Chinese message (see the module's docstring)."""

    def get_error_message(self) -> str:
        return _("密码太短：至少要有 %(n)d 个字符。") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("密码至少要有 %(n)d 个字符。") % {"n": self.min_length}


class CharacterClassesValidator:
    """At least `min_classes` of upper case, lower case, digits and symbols (等保 2.0)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: object = None) -> None:
        if character_classes(password) < self.min_classes:
            raise ValidationError(self._text(), code="password_too_simple")

    def get_help_text(self) -> str:
        return self._text()

    def _text(self) -> str:
        return _("密码至少要包含大写字母、小写字母、数字、符号四类字符中的 %(n)d 类。") % {
            "n": self.min_classes
        }


class WordAndNumberValidator:
    """Not a single word followed or preceded by a number ("Qingchuan2026")."""

    def validate(self, password: str, user: object = None) -> None:
        if _WORD_AND_NUMBER.match(password):
            raise ValidationError(
                _(
                    "密码不能只是一个单词或拼音加一串数字（例如 Qingchuan2026、Admin@123456），"
                    "这种写法最先被猜中。请在字母中间夹入数字或符号，或用几个词组成的短语。"
                ),
                code="password_word_and_number",
            )

    def get_help_text(self) -> str:
        return _("密码不能只是一个单词或拼音加一串数字（例如 Qingchuan2026）。")


class ForbiddenWordsValidator:
    """Not containing the city's or the system's names (settings.PASSWORD_FORBIDDEN_WORDS, or
    the `words` given), even with letters swapped for look-alike digits or symbols."""

    def __init__(self, words: Iterable[str] | None = None) -> None:
        self._words = None if words is None else list(words)

    @property
    def words(self) -> list[str]:
        words = self._words
        if words is None:
            words = getattr(settings, "PASSWORD_FORBIDDEN_WORDS", [])
        cleaned = (word.strip().lower() for word in words)
        return [word for word in cleaned if len(word) >= _SHORTEST_FORBIDDEN_WORD]

    def validate(self, password: str, user: object = None) -> None:
        lowered = password.lower()
        readings = {lowered, lowered.translate(_UNSWAP), lowered.translate(_UNSWAP_ALT)}
        for word in self.words:
            if any(word in reading for reading in readings):
                raise ValidationError(
                    _("密码不能包含本市或本系统的名称（“%(word)s”），这类词最先被猜测。"),
                    code="password_forbidden_word",
                    params={"word": word},
                )

    def get_help_text(self) -> str:
        return _("密码不能包含本市或本系统的名称。")
