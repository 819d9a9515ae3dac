"""Known-effect benchmarks: the amount of work scales with $WORK_FACTOR.

Each input is built from a fixed base unit repeated round(UNITS * WORK_FACTOR)
times (UNITS = 10), so factor 1.1 is exactly 11/10 of the input of factor 1.0,
1.2 is 12/10 and 2.0 is 20/10. Work is (close to) linear in input size for all
three operations. Inputs are generated deterministically (seeded), no files.
"""
import copy
import json
import os
import random

import markdown_it
import pytest

UNITS = 10
FACTOR = float(os.environ.get("WORK_FACTOR", "1.0"))
N_UNITS = round(UNITS * FACTOR)

WORDS = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua enim ad minim veniam "
    "quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo"
).split()


def _sentence(rng, n):
    out = []
    for _ in range(n):
        w = rng.choice(WORDS)
        r = rng.random()
        if r < 0.06:
            w = f"*{w}*"
        elif r < 0.10:
            w = f"**{w}**"
        elif r < 0.13:
            w = f"`{w}()`"
        elif r < 0.16:
            w = f"[{w}](https://example.com/{w}?q={rng.randint(1, 99)})"
        out.append(w)
    return " ".join(out).capitalize() + "."


def markdown_unit():
    rng = random.Random(20240611)
    blocks = []
    for i in range(2):
        blocks.append(f"## Section {i} {rng.choice(WORDS)}")
        for _ in range(2):
            blocks.append("\n".join(_sentence(rng, 12) for _ in range(3)))
        blocks.append("\n".join(f"- {_sentence(rng, 6)}" for _ in range(4)))
        blocks.append("> " + _sentence(rng, 15))
        blocks.append("```python\n" + "\n".join(f"x_{j} = {j} * {rng.randint(1, 9)}" for j in range(4)) + "\n```")
        blocks.append("| a | b | c |\n|---|---|---|\n" + "\n".join(
            f"| {rng.choice(WORDS)} | {rng.randint(0, 999)} | *{rng.choice(WORDS)}* |" for _ in range(3)))
    return "\n\n".join(blocks) + "\n\n"


def record_unit():
    rng = random.Random(777)
    recs = []
    for i in range(100):
        recs.append({
            "id": i,
            "name": " ".join(rng.choice(WORDS) for _ in range(3)),
            "score": rng.random() * 100,
            "active": rng.random() < 0.5,
            "tags": [rng.choice(WORDS) for _ in range(rng.randint(1, 5))],
            "address": {"street": f"{rng.randint(1, 999)} {rng.choice(WORDS)} st", "zip": f"{rng.randint(10000, 99999)}"},
            "history": [rng.randint(0, 1000) for _ in range(8)],
        })
    return recs


MD_TEXT = markdown_unit() * N_UNITS
RECORDS = [copy.deepcopy(r) for _ in range(N_UNITS) for r in record_unit()]
JSON_TEXT = json.dumps(RECORDS)


@pytest.fixture
def md():
    return markdown_it.MarkdownIt("commonmark").enable("table")


@pytest.mark.benchmark(group="effects")
def test_markdown_render(benchmark, md):
    benchmark.extra_info.update(work_factor=FACTOR, units=N_UNITS, input_chars=len(MD_TEXT))
    benchmark(md.render, MD_TEXT)


@pytest.mark.benchmark(group="effects")
def test_json_dumps(benchmark):
    benchmark.extra_info.update(work_factor=FACTOR, units=N_UNITS, records=len(RECORDS))
    benchmark(json.dumps, RECORDS)


@pytest.mark.benchmark(group="effects")
def test_json_loads(benchmark):
    benchmark.extra_info.update(work_factor=FACTOR, units=N_UNITS, input_chars=len(JSON_TEXT))
    benchmark(json.loads, JSON_TEXT)
