"""`teachbooth worker` takes a deployment's word list, and refuses a bad one before connecting."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys

from gpu_worker.command import add_arguments, run
from shared.protocol import JobDone, JobFailed, WorkerStatus, encode, topics
from testkit.jobs import make_job


def _run_worker(*argv: str) -> int:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return run(parser.parse_args(list(argv)))


def test_a_bad_word_file_stops_the_worker_with_the_line_to_fix(tmp_path, capsys):
    words = tmp_path / "words.txt"
    words.write_text("zonk\nk1ll\n", encoding="utf-8")
    assert _run_worker("--broker", "mqtt://localhost:1", "--word-file", str(words)) == 2
    assert "words.txt, line 2: 'k1ll' is not a single word" in capsys.readouterr().err


def test_the_worker_command_blocks_the_words_of_its_file(mosquitto, probe_factory, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("zonk\n", encoding="utf-8")
    status = probe_factory(topics.worker_status("w-words"))
    events = probe_factory(topics.kiosk_events_filter("k1"))
    command = [sys.executable, "-m", "teachbooth", "worker", "--broker", mosquitto.url]
    process = subprocess.Popen([*command, "--worker-id", "w-words", "--word-file", str(words)])

    def outcome(job_id: str, label: str):
        job = make_job(job_id=job_id, label=label, num_images=1)
        events.publish(topics.job("k1", job.backend, job_id), encode(job))
        return events.expect(
            lambda seen: isinstance(seen.message, JobDone | JobFailed) and seen.message.job_id == job_id
        ).message

    try:
        status.expect(lambda seen: isinstance(seen.message, WorkerStatus) and seen.message.state == "online")
        refused = outcome("zonk", "z 0 n k")
        assert isinstance(refused, JobFailed) and refused.code == "prompt_rejected"
        done = outcome("fine", "apple")
        assert isinstance(done, JobDone) and done.num_images == 1
        process.send_signal(signal.SIGTERM)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
