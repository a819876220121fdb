"""Word lists: the default, a deployment's file, extra words; bad entries fail loudly."""

from __future__ import annotations

import re

import pytest

from shared.safety import WordListError, default_words, extra_words, read_word_file
from shared.safety.default_words import DEFAULT_WORDS
from shared.safety.word_list import DEPLOYMENT_CATEGORY


def test_default_list_is_folded_single_words_in_known_categories():
    words = default_words()
    assert {word.category for word in words} == set(DEFAULT_WORDS)
    assert all(word.text.isalpha() and word.text == word.text.casefold() for word in words)
    assert len({word.text for word in words}) == len(words), "no entry twice"


def test_word_file_skips_blank_lines_and_comments(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# local slang\n\nZonk  # shouted at goalkeepers\n  blörk\n", encoding="utf-8")
    words = read_word_file(path)
    assert [(word.text, word.category) for word in words] == [
        ("zonk", DEPLOYMENT_CATEGORY),
        ("blork", DEPLOYMENT_CATEGORY),
    ]


@pytest.mark.parametrize("entry", ["two words", "k1ll", "f*ck", "---"])
def test_an_entry_that_is_not_one_plain_word_names_itself_and_its_line(tmp_path, entry):
    path = tmp_path / "words.txt"
    path.write_text(f"fine\n{entry}\n", encoding="utf-8")
    with pytest.raises(WordListError, match=rf"words\.txt, line 2: '{re.escape(entry)}'.*single word"):
        read_word_file(path)
    with pytest.raises(WordListError, match="extra words"):
        extra_words([entry])


def test_unreadable_word_files_are_clear_errors(tmp_path):
    with pytest.raises(WordListError, match="cannot read the word list"):
        read_word_file(tmp_path / "missing.txt")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\xff\xfe\x00kill")
    with pytest.raises(WordListError, match="cannot read the word list"):
        read_word_file(binary)
