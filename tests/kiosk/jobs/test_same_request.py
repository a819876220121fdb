"""Which job in the outbox a second run of `teachbooth generate` may wait for instead of sending its own."""

from __future__ import annotations

import pytest

from kiosk.jobs.files import same_request
from testkit.jobs import SAMPLE_MASK, make_job


def test_two_runs_of_one_command_ask_for_the_same_thing():
    first, second = make_job(seed=1), make_job(seed=2, deadline_in=120)
    assert first.job_id != second.job_id
    assert same_request(first, second, any_seed=True), "identity, timing and a chance seed do not count"
    assert not same_request(first, second, any_seed=False), "a seed the person chose does"
    assert same_request(first, make_job(seed=1), any_seed=False)


@pytest.mark.parametrize(
    "change",
    [
        {"label": "pear"},
        {"prompt": "greener"},
        {"change": 0.7},
        {"num_images": 3},
        {"backend": "inpaint"},
        {"kiosk_id": "k2"},
        {"mask": None},
        {"image": SAMPLE_MASK},
    ],
)
def test_any_other_difference_is_another_request(change):
    assert not same_request(make_job(), make_job(**change), any_seed=True)
