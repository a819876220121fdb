"""The job client's news: one number a watcher sleeps on, raised by whatever may change what it shows."""

from __future__ import annotations

import threading

from kiosk.jobs.handle import JobState
from kiosk.jobs.news import News
from testkit.jobs import make_job
from tests.kiosk.jobs.test_client import clients, wait_worker_online, workers  # noqa: F401  (fixtures)

WAIT_S = 20.0
"""Only reached when the news never comes, which fails the test."""


def test_a_watcher_that_looked_before_a_raise_is_not_left_asleep():
    news = News()
    seen = news.revision
    news.raise_()
    assert news.wait_after(seen, timeout=WAIT_S) == seen + 1


def test_a_raise_from_another_thread_wakes_the_watcher():
    news, asleep = News(), threading.Event()
    seen = news.revision
    woke: list[int] = []

    def watch() -> None:
        asleep.set()
        woke.append(news.wait_after(seen, timeout=WAIT_S))

    watcher = threading.Thread(target=watch)
    watcher.start()
    asleep.wait(WAIT_S)
    news.raise_()
    watcher.join(WAIT_S)
    assert woke == [seen + 1]


def test_without_news_the_wait_ends_at_its_timeout_with_the_same_revision():
    news = News()
    assert news.wait_after(news.revision, timeout=0.01) == 0


def test_the_job_client_raises_news_on_the_link_a_worker_and_every_job_event(
    mosquitto,
    clients,  # noqa: F811
    workers,  # noqa: F811
    probe_factory,
):
    client = clients(mosquitto.url)
    assert client.wait_connected(10)
    seen = client.news.wait_after(0, timeout=WAIT_S)
    assert seen > 0, "connecting is news"

    workers(mosquitto.url)
    wait_worker_online(probe_factory, "w1")
    assert client.news.wait_after(seen, timeout=WAIT_S) != seen, "a worker's status is news"
    client.wait_for_workers(WAIT_S)

    before_job = client.news.revision
    handle = client.wait(client.submit(make_job()), timeout=30)
    assert handle.state is JobState.DONE
    # accepted, four images and done: each woke the watchers.
    assert client.news.revision - before_job >= 6

    before_loss = client.news.revision
    mosquitto.stop()
    assert client.news.wait_after(before_loss, timeout=WAIT_S) != before_loss, "losing the broker is news"
