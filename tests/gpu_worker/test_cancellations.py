"""The worker's memory of withdrawn jobs: per kiosk, so no kiosk's cancels crowd out another's."""

from __future__ import annotations

from gpu_worker.cancellations import Cancellations


def test_a_cancel_is_remembered_for_its_own_kiosk_only():
    cancelled = Cancellations()
    cancelled.add(("k1", "job-1"))
    assert ("k1", "job-1") in cancelled
    assert ("k2", "job-1") not in cancelled, "job ids are only unique per kiosk"
    assert ("k1", "job-2") not in cancelled
    assert "k1" not in cancelled


def test_a_kiosk_cancelling_made_up_jobs_by_the_thousand_forgets_only_its_own():
    cancelled = Cancellations(per_kiosk=256)
    cancelled.add(("honest", "late-job"))
    for number in range(10_000):
        cancelled.add(("flooder", f"made-up-{number}"))
    assert ("honest", "late-job") in cancelled
    assert ("flooder", "made-up-9999") in cancelled
    assert ("flooder", "made-up-9743") not in cancelled, "the flooder's oldest are forgotten"


def test_a_cancel_sent_again_is_kept_as_the_newest():
    cancelled = Cancellations(per_kiosk=2)
    cancelled.add(("k1", "a"))
    cancelled.add(("k1", "b"))
    cancelled.add(("k1", "a"))
    cancelled.add(("k1", "c"))
    assert ("k1", "a") in cancelled and ("k1", "b") not in cancelled


def test_past_the_kiosk_bound_the_kiosk_quiet_the_longest_is_forgotten():
    cancelled = Cancellations(max_kiosks=2)
    cancelled.add(("k1", "a"))
    cancelled.add(("k2", "a"))
    cancelled.add(("k1", "b"))
    cancelled.add(("k3", "a"))
    assert ("k2", "a") not in cancelled
    assert ("k1", "a") in cancelled and ("k3", "a") in cancelled
