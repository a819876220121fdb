"""Safety for public exhibits: what a visitor may ask the generator for."""

from gpu_worker.safety.prompt_filter import PromptFilter, Refusal
from gpu_worker.safety.word_list import WordListError, default_words, extra_words, read_word_file

__all__ = ["PromptFilter", "Refusal", "WordListError", "default_words", "extra_words", "read_word_file"]
