"""Filtered jobs through the real worker and a real mosquitto: refused with a reason, worker unharmed."""

from __future__ import annotations

from shared.protocol import JobAccepted, JobDone, JobFailed, encode, topics
from testkit.jobs import make_job


def _send(probe, job) -> None:
    probe.publish(topics.job(job.kiosk_id, job.backend, job.job_id), encode(job))


def _outcome(probe, job_id: str):
    """The job's terminal event, and whether it was ever accepted."""
    final = probe.expect(
        lambda seen: isinstance(seen.message, JobDone | JobFailed) and seen.message.job_id == job_id
    ).message
    accepted = any(
        isinstance(seen.message, JobAccepted) and seen.message.job_id == job_id for seen in probe.drain()
    )
    return final, accepted


def test_a_blocked_prompt_or_label_is_refused_and_the_next_job_runs(worker_factory, probe_factory):
    worker = worker_factory()
    probe = probe_factory(topics.kiosk_events_filter("k1"))
    by_prompt = make_job(job_id="by-prompt", preset=None, prompt="a green apple, then K 1 L L it")
    by_label = make_job(job_id="by-label", label="n.u.d.e")
    by_small_capitals = make_job(job_id="by-small-capitals", label="ɴᴜᴅᴇ")
    for job in (by_prompt, by_label, by_small_capitals):
        _send(probe, job)
        failed, accepted = _outcome(probe, job.job_id)
        assert isinstance(failed, JobFailed) and failed.code == "prompt_rejected"
        assert not accepted, "refused at intake, before it took a place in the queue"
    assert (
        _outcome(probe, "by-prompt")[0].message == "the prompt was refused: it contains a word about violence"
    )
    label_message = _outcome(probe, "by-label")[0].message
    assert label_message == "the label was refused: it contains a word with sexual content"
    assert "nude" not in label_message
    assert _outcome(probe, "by-small-capitals")[0].message == label_message
    assert worker.stats["failed_prompt_rejected"] == 3

    innocent = make_job(job_id="innocent", label="grass")
    _send(probe, innocent)
    done, accepted = _outcome(probe, innocent.job_id)
    assert isinstance(done, JobDone) and done.num_images == 4 and accepted


def test_the_configured_list_decides(worker_factory, probe_factory, tmp_path):
    words = tmp_path / "gallery.txt"
    words.write_text("zonk\n", encoding="utf-8")
    worker_factory("strict", prompt_filter={"word_file": words, "extra_words": ["blork"]})
    worker_factory("open", prompt_filter={"enabled": False}, shared_group="open-workers")
    probe = probe_factory(topics.kiosk_events_filter("k1"))

    for job_id, label in (("from-file", "Z0NK"), ("from-config", "b l o r k")):
        _send(probe, make_job(job_id=job_id, label=label))
        failed = probe.expect(lambda seen, job_id=job_id: _is(seen, job_id, JobFailed)).message
        done = probe.expect(lambda seen, job_id=job_id: _is(seen, job_id, JobDone)).message
        assert failed.worker_id == "strict" and failed.code == "prompt_rejected"
        assert (
            failed.message
            == "the label was refused: it contains a word on this exhibit's list of blocked words"
        )
        assert done.worker_id == "open" and done.num_images == 4, "with the filter off the same job runs"


def _is(seen, job_id: str, kind: type) -> bool:
    return isinstance(seen.message, kind) and seen.message.job_id == job_id
