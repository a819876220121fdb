"""The prompt filter's settings in the worker config: strict, documented, built into a filter."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gpu_worker.config import PromptFilterSettings, WorkerConfig


def test_filtering_is_on_with_the_default_list_unless_configured_off():
    default_filter = WorkerConfig(broker="mqtt://localhost").prompt_filter.build()
    assert default_filter is not None and default_filter.check("k1ll") is not None
    assert PromptFilterSettings(enabled=False).build() is None
    assert PromptFilterSettings(default_words=False).build().check("k1ll") is None


def test_extra_words_and_a_word_file_extend_the_list(tmp_path):
    path = tmp_path / "words.txt"
    path.write_text("# our gallery's list\nzonk\n", encoding="utf-8")
    built = PromptFilterSettings(extra_words=("blork",), word_file=path).build()
    assert built.check("z0nk") is not None and built.check("b l o r k") is not None
    assert built.check("kill") is not None, "the default list is still there"
    assert built.check("a red apple") is None


def test_settings_reject_unknown_keys_bad_words_and_missing_files(tmp_path):
    with pytest.raises(ValidationError, match="extra"):
        PromptFilterSettings(enable=False)
    with pytest.raises(ValidationError, match="extra"):
        WorkerConfig(broker="mqtt://localhost", prompt_filter={"words": ["zonk"]})
    with pytest.raises(ValidationError, match="'two words' is not a single word"):
        PromptFilterSettings(extra_words=("fine", "two words"))
    with pytest.raises(ValidationError, match="does not point to a file"):
        PromptFilterSettings(word_file=tmp_path / "missing.txt")
    bad = tmp_path / "bad.txt"
    bad.write_text("fine\nk1ll\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"bad\.txt, line 2"):
        PromptFilterSettings(word_file=bad)


def test_settings_are_filled_from_a_nested_mapping(tmp_path):
    config = WorkerConfig.model_validate(
        {"broker": "mqtt://localhost", "prompt_filter": {"enabled": True, "extra_words": ["zonk"]}}
    )
    assert config.prompt_filter.extra_words == ("zonk",)


def test_settings_fields_are_documented():
    for name, field in PromptFilterSettings.model_fields.items():
        assert field.title and field.description, f"{name} needs a title and a description"
    field = WorkerConfig.model_fields["prompt_filter"]
    assert field.title and field.description
