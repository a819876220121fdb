"""Safety for public exhibits: the word filter on what a visitor types (a generation prompt on the
worker, a question to the kiosk's assistant) and on what a language model answers. Pure text, no
heavy library, so both sides use it."""

from shared.safety.prompt_filter import PromptFilter, Refusal
from shared.safety.word_list import WordFile, WordListError, default_words, extra_words, read_word_file

__all__ = [
    "PromptFilter",
    "Refusal",
    "WordFile",
    "WordListError",
    "default_words",
    "extra_words",
    "read_word_file",
]
