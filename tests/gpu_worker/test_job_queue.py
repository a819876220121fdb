"""The worker's job queue: kiosks take turns, limits answer `busy`, positions are where jobs run."""

from __future__ import annotations

import threading
from collections import defaultdict
from operator import itemgetter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gpu_worker.job_queue import JobQueue, QueueFull

Job = tuple[str, int]
"""(kiosk, number): the kiosk's n-th job."""


def make_queue(limit: int = 100, per_kiosk_limit: int | None = None) -> JobQueue[Job]:
    return JobQueue(limit, kiosk_of=itemgetter(0), per_kiosk_limit=per_kiosk_limit)


def put_all(queue: JobQueue, kiosks: str) -> list[int]:
    """Put one job per letter, numbered per kiosk from 1; returns the positions."""
    counts: dict[str, int] = defaultdict(int)
    positions = []
    for kiosk in kiosks:
        counts[kiosk] += 1
        positions.append(queue.put((kiosk, counts[kiosk])))
    return positions


def drain(queue: JobQueue, running: int = 0) -> list:
    """Take every waiting job, in the order the runner would; `running`: jobs taken before."""
    taken = []
    while queue.depth > running + len(taken):
        taken.append(queue.get())
    return taken


def labels(jobs: list[Job]) -> list[str]:
    return [f"{kiosk}{number}" for kiosk, number in jobs]


def test_one_kiosk_alone_is_first_in_first_out():
    queue = make_queue()
    assert put_all(queue, "AAAA") == [0, 1, 2, 3]
    assert labels(drain(queue)) == ["A1", "A2", "A3", "A4"]


def test_interleaved_kiosks_take_turns():
    queue = make_queue()
    put_all(queue, "AABACB")
    assert labels(drain(queue)) == ["A1", "B1", "C1", "A2", "B2", "A3"]


def test_a_flood_from_one_kiosk_does_not_starve_the_others():
    queue = make_queue()
    put_all(queue, "AAAAAABC")
    assert labels(drain(queue)) == ["A1", "B1", "C1", "A2", "A3", "A4", "A5", "A6"]


def test_a_kiosk_that_just_had_its_turn_waits_for_one_that_has_not():
    queue = make_queue()
    put_all(queue, "A")
    assert queue.get() == ("A", 1)
    queue.put(("A", 2))
    assert queue.put(("B", 1)) == 1, "only the running job is ahead of B"
    assert labels(drain(queue, running=1)) == ["B1", "A2"]


def test_a_kiosk_cannot_save_up_turns_by_staying_away():
    queue = make_queue()
    put_all(queue, "AAAA")
    assert labels([queue.get() for _ in range(3)]) == ["A1", "A2", "A3"]
    put_all(queue, "BBB")
    assert labels(drain(queue, running=3)) == ["B1", "A4", "B2", "B3"]


@given(st.text(alphabet="ABCD", max_size=30))
def test_every_kiosk_gets_its_nth_turn_before_anyone_gets_a_later_one(kiosks):
    queue = make_queue()
    put_all(queue, kiosks)
    order = drain(queue)
    assert len(order) == len(kiosks), "nothing lost, nothing made up"
    for kiosk in set(kiosks):
        assert [n for k, n in order if k == kiosk] == list(range(1, kiosks.count(kiosk) + 1))
    turns = [n for _, n in order]
    assert turns == sorted(turns), "no kiosk's n+1-th job runs before another kiosk's n-th"


@given(st.lists(st.sampled_from(["A", "B", "C", "take"]), max_size=25))
def test_put_answers_how_many_jobs_will_run_before_it(operations):
    """Replays every prefix ending in a put, then runs the queue out to see where the job really went."""
    for end, last in enumerate(operations):
        if last == "take":
            continue
        queue = make_queue()
        running = 0
        for number, operation in enumerate(operations[:end]):
            if operation != "take":
                queue.put((operation, number))
            elif queue.depth > running:
                queue.get()
                running += 1
        position = queue.put((last, end))
        order = drain(queue, running)
        assert position == running + order.index((last, end))


def test_the_whole_queue_is_bounded_and_answers_with_a_reason():
    queue = make_queue(limit=3, per_kiosk_limit=3)
    put_all(queue, "ABC")
    with pytest.raises(QueueFull, match="already has 3 jobs waiting"):
        queue.put(("D", 1))
    queue.get()
    assert queue.put(("D", 1)) == 3, "a running job leaves its place to a new one, yet still runs first"


def test_one_kiosk_cannot_take_every_place():
    queue = make_queue(limit=4)
    put_all(queue, "AA")
    with pytest.raises(QueueFull, match=r"kiosk A already fills its share of the queue \(2 of 4 places\)"):
        queue.put(("A", 3))
    assert put_all(queue, "BC") == [1, 2], "both run before A2"
    queue.get()
    queue.put(("A", 3))


def test_limits_must_make_sense():
    with pytest.raises(ValueError, match="per_kiosk_limit"):
        make_queue(limit=4, per_kiosk_limit=5)
    with pytest.raises(ValueError, match="per_kiosk_limit"):
        make_queue(limit=4, per_kiosk_limit=0)
    with pytest.raises(ValueError, match="per_kiosk_limit"):
        make_queue(limit=0)


def test_running_jobs_count_in_depth_and_positions_until_finished():
    queue = make_queue()
    put_all(queue, "AB")
    a1 = queue.get()
    assert a1 == ("A", 1)
    assert queue.depth == 2
    assert queue.put(("C", 1)) == 2, "the running A1 and the waiting B1"
    queue.finished([a1])
    assert queue.depth == 2
    assert queue.put(("D", 1)) == 2, "B1 and C1 wait ahead"
    with pytest.raises(ValueError, match="not running"):
        queue.finished([a1])


def test_close_wakes_a_waiting_runner_drops_the_queue_and_refuses_new_jobs():
    queue = make_queue()
    results: list = []
    runner = threading.Thread(target=lambda: results.append(queue.get()))
    runner.start()
    queue.close()
    runner.join(10)
    assert not runner.is_alive() and results == [None]

    with pytest.raises(QueueFull, match="stopping"):
        queue.put(("A", 1))
    assert queue.get() is None and queue.get_batch(lambda a, b: True, 4) == []


def test_close_drops_waiting_jobs_but_lets_running_ones_finish():
    queue = make_queue()
    put_all(queue, "AAB")
    running = queue.get()
    queue.close()
    assert queue.get() is None
    assert queue.depth == 1
    queue.finished([running], seconds=2.0)
    assert queue.depth == 0


def test_concurrent_producers_still_take_turns():
    kiosks, per_kiosk = "ABCD", 25
    queue = make_queue(limit=100, per_kiosk_limit=25)
    start = threading.Barrier(len(kiosks))

    def produce(kiosk: str) -> None:
        start.wait(10)
        for number in range(1, per_kiosk + 1):
            queue.put((kiosk, number))

    producers = [threading.Thread(target=produce, args=(kiosk,)) for kiosk in kiosks]
    for producer in producers:
        producer.start()
    for producer in producers:
        producer.join(10)
    order = drain(queue)
    assert len(order) == len(kiosks) * per_kiosk
    for turn in range(per_kiosk):
        assert sorted(order[turn * 4 : turn * 4 + 4]) == [(kiosk, turn + 1) for kiosk in kiosks]


def test_a_runner_taking_jobs_while_kiosks_send_gets_each_once_in_kiosk_order():
    kiosks, per_kiosk = "ABC", 40
    queue = make_queue(limit=200, per_kiosk_limit=per_kiosk)
    start = threading.Barrier(len(kiosks) + 1)
    taken: list[Job] = []

    def produce(kiosk: str) -> None:
        start.wait(10)
        for number in range(1, per_kiosk + 1):
            queue.put((kiosk, number))

    def run() -> None:
        start.wait(10)
        while len(taken) < len(kiosks) * per_kiosk:
            job = queue.get()
            taken.append(job)
            queue.finished([job])

    threads = [threading.Thread(target=produce, args=(kiosk,)) for kiosk in kiosks]
    threads.append(threading.Thread(target=run))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert not any(thread.is_alive() for thread in threads)
    for kiosk in kiosks:
        assert [n for k, n in taken if k == kiosk] == list(range(1, per_kiosk + 1))
    assert queue.depth == 0


def same_kind(head: tuple, other: tuple) -> bool:
    return head[2] == other[2]


def test_a_batch_takes_compatible_jobs_due_soonest():
    queue: JobQueue[tuple[str, int, str]] = JobQueue(100, kiosk_of=itemgetter(0))
    for job in [("A", 1, "x"), ("A", 2, "x"), ("A", 3, "x"), ("B", 1, "y"), ("C", 1, "x"), ("A", 4, "x")]:
        queue.put(job)
    # run order: A1 B1 C1 A2 A3 A4; B1 cannot join an `x` batch
    batch = queue.get_batch(same_kind, 3)
    assert batch == [("A", 1, "x"), ("C", 1, "x"), ("A", 2, "x")]
    assert queue.depth == 6 and queue.put(("D", 1, "x")) == 3 + 1, "three running, B1 waits ahead of D1"
    queue.finished(batch)
    assert queue.get_batch(same_kind, 8) == [("B", 1, "y")]
    assert queue.get_batch(same_kind, 8) == [("D", 1, "x"), ("A", 3, "x"), ("A", 4, "x")]


def test_a_batch_never_reorders_a_kiosks_jobs():
    queue: JobQueue[tuple[str, int, str]] = JobQueue(100, kiosk_of=itemgetter(0))
    for job in [("B", 1, "x"), ("A", 1, "y"), ("A", 2, "x"), ("C", 1, "x")]:
        queue.put(job)
    assert queue.get_batch(same_kind, 4) == [("B", 1, "x"), ("C", 1, "x")], "A2 stays behind A1"
    assert queue.get_batch(same_kind, 4) == [("A", 1, "y")]
    assert queue.get_batch(same_kind, 4) == [("A", 2, "x")]


def test_a_batch_needs_room_for_one():
    with pytest.raises(ValueError, match="max_items"):
        make_queue().get_batch(same_kind, 0)


def test_reserved_places_count_against_the_kiosk_s_share_and_the_queue_until_filled_or_released():
    """Jobs still being decoded hold their places: a kiosk cannot pile up more than its share in decoding."""
    queue = make_queue(limit=3, per_kiosk_limit=2)
    queue.reserve("A")
    queue.reserve("A")
    with pytest.raises(QueueFull, match="kiosk A already fills its share of the queue \\(2 of 3"):
        queue.reserve("A")
    queue.reserve("B")
    with pytest.raises(QueueFull, match="already has 3 jobs waiting"):
        queue.put(("C", 1))
    assert queue.put(("A", 1), reserved=True) == 0
    queue.release("A")
    assert queue.put(("C", 1)) == 1, "A's released place went to C"
    assert queue.put(("B", 1), reserved=True) == 2
    assert labels(drain(queue)) == ["A1", "C1", "B1"]


def test_a_reservation_ends_with_the_queue():
    queue = make_queue()
    queue.reserve("A")
    queue.close()
    queue.release("A")  # the place went with the queue: nothing to give back, no error
    with pytest.raises(QueueFull, match="stopping"):
        queue.put(("A", 1), reserved=True)


def test_filling_or_releasing_a_place_never_held_is_a_bug_not_a_silent_miscount():
    queue = make_queue()
    with pytest.raises(ValueError, match="holds no reserved place"):
        queue.put(("A", 1), reserved=True)
    with pytest.raises(ValueError, match="holds no reserved place"):
        queue.release("A")


def test_a_dear_job_moves_its_kiosks_waiting_jobs_back():
    queue = make_queue()
    put_all(queue, "AAABBB")
    a1 = queue.get()
    queue.finished([a1], seconds=3.0)  # expected 1 (nothing measured yet): A owes 2 more
    assert labels(drain(queue)) == ["B1", "B2", "B3", "A2", "A3"]


def test_a_cheap_job_moves_its_kiosks_jobs_forward_but_not_past_the_present():
    queue = make_queue()
    put_all(queue, "AAB")
    a1 = queue.get()
    queue.finished([a1], seconds=0.0)
    assert labels(drain(queue)) == ["A2", "B1"], "A2 now starts with B1 and arrived first"


def test_a_new_kiosk_is_expected_to_cost_what_jobs_typically_cost():
    queue = make_queue()
    put_all(queue, "A")
    queue.finished([queue.get()], seconds=4.0)
    put_all(queue, "BBC")
    assert labels(drain(queue)) == ["B1", "C1", "B2"], "B and C are each expected to cost the same"


@given(
    costs=st.dictionaries(
        st.sampled_from("ABCD"),
        st.floats(min_value=0.01, max_value=5.0, allow_nan=False),
        min_size=2,
        max_size=4,
    ),
    jobs=st.integers(min_value=10, max_value=60),
)
def test_kiosks_that_always_have_work_waiting_share_the_worker_s_time(costs, jobs):
    """Start-time fair queueing's bound: between two kiosks that stay backlogged, the worker
    time each has used differs by at most one job of each (plus what the first, unmeasured,
    guesses cost), however unequal their jobs are."""
    queue = make_queue(limit=100, per_kiosk_limit=25)
    numbers = dict.fromkeys(costs, 0)
    for kiosk in costs:
        for _ in range(3):
            numbers[kiosk] += 1
            queue.put((kiosk, numbers[kiosk]))
    used = dict.fromkeys(costs, 0.0)
    for _ in range(jobs):
        job = queue.get()
        kiosk = job[0]
        queue.finished([job], seconds=costs[kiosk])
        used[kiosk] += costs[kiosk]
        numbers[kiosk] += 1
        queue.put((kiosk, numbers[kiosk]))  # still backlogged
    slack = 2 * max(costs.values()) + 3 * (1.0 + max(costs.values()))
    assert max(used.values()) - min(used.values()) <= slack


def test_a_kiosk_sending_dear_jobs_gets_its_share_of_time_not_of_turns():
    """One kiosk's jobs cost six times the others' (the flood of the largest images): over a
    busy spell it gets about a third of the worker with two other kiosks, not three quarters."""
    costs = {"F": 0.6, "A": 0.1, "B": 0.1}
    queue = make_queue(limit=100, per_kiosk_limit=25)
    numbers = dict.fromkeys(costs, 0)
    for kiosk in costs:
        numbers[kiosk] += 1
        queue.put((kiosk, numbers[kiosk]))
    used = dict.fromkeys(costs, 0.0)
    for _ in range(200):
        job = queue.get()
        queue.finished([job], seconds=costs[job[0]])
        used[job[0]] += costs[job[0]]
        numbers[job[0]] += 1
        queue.put((job[0], numbers[job[0]]))
    share = used["F"] / sum(used.values())
    assert 0.28 <= share <= 0.39, share


def test_a_job_in_a_batch_pays_for_its_own_images_not_an_equal_part():
    """An 8-image job that takes a 1-image job into its batch cannot hand it half the time."""
    queue: JobQueue[tuple[str, int, int]] = JobQueue(100, kiosk_of=itemgetter(0), share_of=itemgetter(2))
    for job in [("big", 1, 8), ("small", 1, 1), ("big", 2, 8), ("small", 2, 1)]:
        queue.put(job)
    batch = queue.get_batch(lambda head, other: True, 2)
    assert batch == [("big", 1, 8), ("small", 1, 1)]
    queue.finished(batch, seconds=9.0)  # expected 1 each: big owes 7 more, small nothing
    assert [queue.get(), queue.get()] == [("small", 2, 1), ("big", 2, 8)]
