"""`prioritize sensitivity` end to end: formats, repeatability, spread 0, formula sets."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import REPO_ROOT, run_cli

ITEM_HEADER = "id,rank,median_rank,p5_rank,p95_rank,top_k_probability"


def test_spread_zero_reproduces_the_ranking() -> None:
    r = run_cli("sensitivity", "--spread", "0", "--runs", "20", "-f", "csv", cwd=REPO_ROOT)
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == ITEM_HEADER
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    for row in rows:
        assert row["median_rank"] == row["p5_rank"] == row["p95_rank"] == row["rank"]
    assert [row["rank"] for row in rows] == [str(i) for i in range(1, len(rows) + 1)]
    ranked = list(
        csv.DictReader(
            io.StringIO(run_cli("explain", rows[-1]["id"], "-f", "csv", cwd=REPO_ROOT).stdout)
        )
    )
    assert ranked[0]["rank"] == rows[-1]["rank"]


def test_the_same_seed_gives_the_same_output_and_the_default_seed_is_fixed() -> None:
    args = ("sensitivity", "--runs", "200", "-f", "json")
    a = run_cli(*args, "--seed", "5", cwd=REPO_ROOT).stdout
    assert a == run_cli(*args, "--seed", "5", cwd=REPO_ROOT).stdout
    assert (
        run_cli(*args, cwd=REPO_ROOT).stdout == run_cli(*args, "--seed", "0", cwd=REPO_ROOT).stdout
    )
    assert json.loads(a)["seed"] == 5


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "markdown"])
def test_every_format(fmt: str) -> None:
    r = run_cli("sensitivity", "--runs", "100", "--top", "5", "-f", fmt, cwd=REPO_ROOT)
    assert r.exit_code == 0, r.stderr
    if fmt == "json":
        data = json.loads(r.stdout)
        assert set(data["items"][0]) == set(ITEM_HEADER.split(","))
        assert (
            data["top"] == 5
            and data["perturbed"] == "weights"
            and data["verdict"].startswith("The top 5 is ")
        )
        assert {c["criterion"] for c in data["criteria"]} >= {"completion", "policy_alignment"}
    elif fmt == "csv":
        assert r.stdout.startswith(ITEM_HEADER + "\n")
    else:
        assert "The top 5 is " in r.stdout
        assert "first place" in r.stdout


def test_formula_sets_say_the_inputs_were_perturbed() -> None:
    r = run_cli("sensitivity", "--runs", "100", cwd=REPO_ROOT / "examples" / "rice-intercom")
    assert r.exit_code == 0, r.stderr
    assert "A formula set has no weights" in " ".join(r.stdout.split())
    data = json.loads(
        run_cli(
            "sensitivity",
            "--runs",
            "100",
            "-f",
            "json",
            cwd=REPO_ROOT / "examples" / "rice-intercom",
        ).stdout
    )
    assert data["perturbed"] == "inputs"


def test_bad_options_are_usage_errors() -> None:
    assert run_cli("sensitivity", "--spread", "1.5", cwd=REPO_ROOT).exit_code == 2
    assert run_cli("sensitivity", "--runs", "0", cwd=REPO_ROOT).exit_code == 2
