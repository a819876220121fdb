"""A job handle shows the app exactly one set of images, whatever arrives twice."""

from __future__ import annotations

from kiosk.jobs.handle import Applied, JobHandle, JobState
from shared.protocol import ImageRecipe, JobAccepted, JobDone, JobFailed, JobImage
from testkit.jobs import SAMPLE_IMAGE


def image(index: int, worker: str = "w1") -> JobImage:
    recipe = ImageRecipe(backend="classic", change=0.5, seed=1, index=index, whole_image=False)
    return JobImage(job_id="j", worker_id=worker, index=index, total=2, recipe=recipe, image=SAMPLE_IMAGE)


def test_one_image_per_index_and_nothing_after_the_end():
    handle = JobHandle("k1", "j", num_images=2, backend="classic")
    assert handle.apply(JobAccepted(job_id="j", worker_id="w1", queue_position=0)) is Applied.NEW
    assert handle.apply(JobAccepted(job_id="j", worker_id="w2", queue_position=0)) is Applied.DUPLICATE
    assert handle.apply(image(0)) is Applied.NEW
    assert handle.apply(image(0, worker="w2")) is Applied.DUPLICATE
    assert handle.apply(image(1)) is Applied.NEW
    assert handle.apply(JobDone(job_id="j", worker_id="w1", num_images=2, elapsed_s=0.1)) is Applied.NEW
    late_failure = JobFailed(job_id="j", worker_id="w2", code="expired", message="late")
    assert handle.apply(late_failure) is Applied.DUPLICATE

    assert handle.state is JobState.DONE and handle.worker_id == "w1"
    assert [img.index for img in handle.sorted_images()] == [0, 1]
    assert handle.failure is None


def test_done_before_all_images_asks_for_a_replay():
    handle = JobHandle("k1", "j", num_images=2, backend="classic")
    handle.apply(image(1))
    done = JobDone(job_id="j", worker_id="w1", num_images=2, elapsed_s=0.1)
    assert handle.apply(done) is Applied.INCOMPLETE_DONE
    assert not handle.finished
    handle.apply(image(0))
    assert handle.apply(done) is Applied.NEW
    assert handle.finished


def test_wait_reports_timeout_and_end():
    handle = JobHandle("k1", "j", num_images=1, backend="classic")
    assert handle.wait(0.01) is False
    handle.apply(JobFailed(job_id="j", worker_id="w1", code="busy", message="full"))
    assert handle.wait(0.01) is True
    assert handle.state is JobState.FAILED and handle.failure.code == "busy"
