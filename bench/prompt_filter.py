"""What the prompt filter costs a job at intake, against decoding the job message itself.

The filter runs on the worker's MQTT network thread, before a job is queued, so its cost delays
every job behind it. Baseline: `parse_job` of the bundled sample job (640x480 JPEG and mask: frame
decode plus strict validation), which intake pays for every job anyway. Workloads, each checked as
one job's prompt and label, `--repeats` times (p50, p95, max in microseconds):
- `typical`: short honest prompts ("a green apple on a wooden table");
- `long_honest`: a 300-character honest prompt (the protocol's limit);
- `disguised`: blocked words in disguise (leet, spacing, stretching, zero-width), all refused;
- `spaced_adversarial`: 300 characters of single letters, digits and symbols separated by spaces, the
  worst case found (every stretch of a spelled-out run is a candidate, each read several ways).
Each is run with the default list and with the default list plus `--list-size` generated words (a
large deployment list). Ratios are filter p50 / parse p50.

    .venv/bin/python -m bench.prompt_filter [--repeats 300] [--list-size 5000] [--quick]

Prints one JSON object; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import time
from collections.abc import Callable

from bench.machine import facts, git_state
from gpu_worker.intake import parse_job
from shared.protocol import encode, topics
from shared.safety import PromptFilter, default_words, extra_words
from testkit.jobs import make_job

TYPICAL = [
    "a green apple on a wooden table",
    "the same banana but in a forest",
    "make it look like sunset light",
    "a rotten pear with brown spots",
]
HONEST_SENTENCE = "a shiny red apple sitting in a bowl next to two pears under warm morning light"
DISGUISED = ["k1ll the apple", "p 0 r n", "s.e.x.y", "kiiiilllll", "n\u200bu\u200bd\u200be", "ｍｕｒｄｅｒ"]


def _long_honest() -> str:
    return ((HONEST_SENTENCE + ", ") * 4)[:300]


def _spaced_adversarial(seed: int) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(string.ascii_lowercase + "01345|$@!") for _ in range(150))[:300]


def _deployment_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [
        "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 10))) for _ in range(count)
    ]


def percentiles_us(run: Callable[[], object], repeats: int) -> dict[str, float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1e6)
    times.sort()
    return {
        "p50_us": round(statistics.median(times), 1),
        "p95_us": round(times[int(0.95 * (len(times) - 1))], 1),
        "max_us": round(times[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300, help="timed checks per workload and list")
    parser.add_argument("--list-size", type=int, default=5000, help="generated words in the large list")
    parser.add_argument("--quick", action="store_true", help="smoke run: 20 repeats, 500 extra words")
    args = parser.parse_args()
    git = git_state()
    repeats = 20 if args.quick else args.repeats
    list_size = 500 if args.quick else args.list_size

    job = make_job(job_id="bench", label="apple")
    payload = encode(job)
    print("baseline: parse_job of the sample job", file=sys.stderr)
    job_topic = topics.JobTopic(job.kiosk_id, job.backend, job.job_id)
    baseline = percentiles_us(lambda: parse_job(job_topic, payload), repeats)

    workloads = {
        "typical": TYPICAL,
        "long_honest": [_long_honest()],
        "disguised": DISGUISED,
        "spaced_adversarial": [_spaced_adversarial(seed) for seed in range(4)],
    }
    lists = {
        "default": PromptFilter(default_words()),
        f"default_plus_{list_size}": PromptFilter(
            default_words() + extra_words(_deployment_words(list_size, seed=0))
        ),
    }
    results: dict[str, dict[str, object]] = {}
    for list_name, prompt_filter in lists.items():
        for name, prompts in workloads.items():
            print(f"{list_name}: {name}", file=sys.stderr)
            refused = sum(prompt_filter.check(prompt) is not None for prompt in prompts)
            index = iter(range(10**9))

            def check_one(prompts=prompts, index=index, prompt_filter=prompt_filter) -> None:
                prompt_filter.check(prompts[next(index) % len(prompts)])
                prompt_filter.check(job.label)

            timing = percentiles_us(check_one, repeats)
            results[f"{list_name}/{name}"] = {
                **timing,
                "refused": f"{refused}/{len(prompts)}",
                "ratio_to_parse_p50": round(timing["p50_us"] / baseline["p50_us"], 3),
            }

    print(
        json.dumps(
            {
                "bench": "prompt_filter",
                "machine": facts(),
                "git": git,
                "settings": {"repeats": repeats, "list_size": list_size, "quick": args.quick},
                "list_sizes": {name: prompt_filter.size for name, prompt_filter in lists.items()},
                "baseline_parse_job": baseline,
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
