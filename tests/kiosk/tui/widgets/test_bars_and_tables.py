"""The text the expand and train widgets draw: bars, the slider's steps, the confusion table."""

from __future__ import annotations

import pytest

from kiosk.generation.status import Engine, JobStatus, Phase, Request
from kiosk.learning.training_run import ClassScore
from kiosk.tui.widgets.bars import bar_text, percent
from kiosk.tui.widgets.change_slider import ChangeSlider, change_words
from kiosk.tui.widgets.class_bars import class_bars_text
from kiosk.tui.widgets.confusion_matrix import confusion_text
from kiosk.tui.widgets.job_progress import job_title
from shared.presets import Preset


def test_bars_fill_their_share_and_clamp():
    assert bar_text(0.5, 10) == "█████░░░░░"
    assert bar_text(None, 4) == "░░░░" and bar_text(-1, 4) == "░░░░" and bar_text(7, 4) == "████"
    assert percent(0.875) == "88%" and percent(None) == "–"


def test_the_slider_moves_in_tenths_and_names_where_it_stands():
    slider = ChangeSlider(0.549)
    assert slider.value == 0.5
    for _ in range(7):
        slider.action_nudge(1)
    assert slider.value == 1.0
    slider.action_nudge(-1)
    slider.action_nudge(-1)
    assert slider.value == 0.8  # not 0.7999999
    assert [change_words(v) for v in (0.0, 0.2, 0.5, 0.9)] == ["nothing", "a little", "some", "a lot"]


def test_confusion_table_rows_are_truth_and_mistakes_are_red():
    text = confusion_text(["apple", "leaf"], [[4, 0], [1, 3]])
    assert text.plain.splitlines() == [
        "is/said     apple   leaf",
        "apple           4      0",
        "leaf            1      3",
    ]
    styled = {text.plain[span.start : span.end].strip(): str(span.style) for span in text.spans}
    assert styled["1"] == "bold red" and styled["4"] == "green"


def test_class_bars_show_share_and_photo_count():
    lines = class_bars_text([ClassScore("apple", 0.75, 4), ClassScore("pear", None, 0)]).plain.splitlines()
    assert lines == ["apple      █████████░░░  75%  4 photos", "pear       ░░░░░░░░░░░░    –  0 photos"]


@pytest.mark.parametrize(
    ("preset", "text", "title"),
    [
        (Preset.NEW_COLOUR, None, "apple: new colour, change 0.3"),
        (None, "a green one", "apple: “a green one”, change 0.3"),
    ],
)
def test_a_job_is_titled_by_what_was_asked(preset, text, title):
    status = JobStatus("j", Request("s", preset, 0.3, text), "apple", Engine.WORKER, Phase.QUEUED, "Sent.")
    assert job_title(status) == title
