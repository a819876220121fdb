"""Settings of the kiosk app that the person looking after it may change (admin screen, CLI flags)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from shared.safety import PromptFilter, WordFile, default_words, read_word_file


class KioskSettings(BaseModel):
    """Museum mode, the coach, the assistant, the admin PIN and where exports go; one strict model so a
    typo is an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    museum: bool = Field(
        False,
        title="Museum mode",
        description="Wipe the visitor's project after a period without input (after asking whether "
        "anyone is still there) and return to the first step, ready for the next visitor.",
    )
    coach: bool = Field(
        True,
        title="Coach panel",
        description="Show the coach's top suggestion under the steps (a switch on the admin screen). "
        "A line-worker station that follows a fixed procedure may turn it off; the Ask button still "
        "answers.",
    )
    assistant_url: str | None = Field(
        None,
        pattern=r"^https?://[^\s/]+\S*$",
        title="Assistant server",
        description="An OpenAI-compatible chat server (llama.cpp, vLLM, `transformers serve`) that "
        "answers the Ask button's questions from the project's facts, e.g. http://gpu.local:8000. "
        "None: the kiosk answers the common questions itself; it also does when the server fails.",
    )
    word_file: WordFile | None = Field(
        None,
        title="Exhibit word list",
        description="UTF-8 file of words the Ask button refuses in questions and answers, one per "
        "line, `#` starts a comment, on top of the default list; give the GPU workers the same file "
        "(`teachbooth worker --word-file`) so labels and prompts meet the same list.",
    )
    assistant_timeout_s: float = Field(
        20.0,
        ge=1,
        le=120,
        title="Assistant timeout",
        description="Seconds to wait for the assistant server (to connect, then for its answer) "
        "before the kiosk answers by itself.",
    )
    idle_timeout_s: float = Field(
        120.0,
        ge=10,
        le=3600,
        title="Idle timeout",
        description="Seconds without a tap or key press before museum mode asks 'still there?'.",
    )
    still_there_s: float = Field(
        20.0,
        ge=3,
        le=300,
        title="Still-there countdown",
        description="Seconds the 'still there?' prompt waits for a tap before the project is wiped.",
    )
    admin_pin: str = Field(
        "2468",
        pattern=r"^[0-9]{4,8}$",
        title="Admin PIN",
        description="Four to eight digits that open the admin screen (exit, camera, broker, museum "
        "settings, export). Change it on a public kiosk.",
    )
    export_dir: Path = Field(
        Path("/media/usb"),
        title="Export folder",
        description="Where the admin screen's export writes the dataset and the model bundle, "
        "typically a USB stick's mount point.",
    )

    def word_filter(self) -> PromptFilter:
        """The exhibit's filter: the default words and the word file's; reads the file."""
        words = default_words()
        if self.word_file is not None:
            words += read_word_file(self.word_file)
        return PromptFilter(words)
