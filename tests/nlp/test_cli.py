"""`narcwatch analyze` and `narcwatch nlp eval` as an analyst runs them: a real process, files and stdin."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

NARCWATCH = [sys.executable, "-m", "narcwatch.cli"]
KEYS = {"id", "language", "category", "scores", "substances", "identifiers", "quantities", "prices", "pgp_keys"}


def run(*args: str, stdin: bytes | None = None, timeout: float = 300) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*NARCWATCH, *args], input=stdin, capture_output=True, timeout=timeout)


def test_analyze_prints_one_line_per_input_and_names_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a1", "text": "Selling coke 1g 80€, BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"}),
        "{not json",
        json.dumps({"id": 7}),
        json.dumps({"id": "p", "text": "Продаём BMK глицидат (CAS 5449-12-7), доставка по РФ"}),
        "",
        json.dumps({"key": "market_a:1", "title": "XTC pills", "description": "100 pills 250 EUR"}),
    ]
    data = ("\n".join(lines) + "\n").encode() + b'{"id": "\xff"}\n'
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    for args, stdin in (([str(path)], None), (["-"], data)):
        proc = run("analyze", *args, stdin=stdin)
        assert proc.returncode == 1, proc.stderr.decode()
        out = [json.loads(line) for line in proc.stdout.decode().splitlines()]
        assert [o.get("id") for o in out] == ["a1", None, 7, "p", "market_a:1", None]
        assert [o.get("line") for o in out if "error" in o] == [2, 3, 7]
        assert "line 2: not valid JSON" in out[1]["error"] and "line 7: not UTF-8" in out[5]["error"]
        first, precursor = out[0], out[3]
        assert set(first) == KEYS and first["category"] == "drug_offer"
        assert abs(sum(first["scores"].values()) - 1) < 1e-3
        assert [(i["type"], i["currency"]) for i in first["identifiers"]] == [("crypto_address", "BTC")]
        assert first["substances"][0]["name"] == "cocaine" and first["prices"][0]["currency"] == "EUR"
        assert precursor["language"] == "ru" and precursor["category"] == "precursor_offer"
        assert {s["cas"] for s in precursor["substances"]} == {"5449-12-7"}
        assert "3 bad lines" in proc.stderr.decode()


def test_analyze_reports_a_missing_file_or_model_clearly(tmp_path: Path) -> None:
    proc = run("analyze", str(tmp_path / "missing.jsonl"))
    assert proc.returncode == 2 and "No such file" in proc.stderr.decode()
    proc = subprocess.run([*NARCWATCH, "analyze", "-"], input=b"{}\n", capture_output=True, timeout=120,
                          env={"PATH": "/usr/bin:/bin", "NARCWATCH_NLP_MODEL": str(tmp_path / "none")})
    assert proc.returncode == 2 and "narcwatch nlp train" in proc.stderr.decode()


def test_nlp_eval_reports_held_out_and_range_figures() -> None:
    proc = run("nlp", "eval", "--listings", "300", "--seed", "11", "--json", timeout=600)
    assert proc.returncode == 0, proc.stderr.decode()
    figures = json.loads(proc.stdout)
    offers = figures["offers"]
    assert offers["split"] == "test" and offers["macro_f1"] >= 0.9
    assert {c["label"] for c in offers["classes"]} == {"drug_offer", "precursor_offer", "other_illicit_offer",
                                                       "not_offer"}
    ids = figures["range"]["identifiers"]
    assert ids["decoys"] >= 10 and ids["decoys_extracted"] == []
    strict = {name: c for name, c in ids["counts"].items() if name.startswith("crypto") or name in ("iban", "onion")}
    assert len(strict) >= 8
    for name, (tp, fp, fn) in strict.items():
        assert fp == 0, name
        assert tp / (tp + fn) >= 0.99, name
    assert figures["range"]["substance_recall"] > 0.6
