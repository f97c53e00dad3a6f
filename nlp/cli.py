"""`narcwatch analyze` and `narcwatch nlp ...`: run, train and evaluate the NLP pipeline."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import asdict
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer
from rich.console import Console
from rich.table import Table

if TYPE_CHECKING:  # spaCy and the pipeline load only when a command runs, not for `narcwatch --help`
    from spacy.language import Language

    from nlp.evaluate import Classification

app = typer.Typer(no_args_is_help=True, help="Train and evaluate the NLP pipeline.")
err = Console(stderr=True)

Model = Annotated[Path | None, typer.Option("--model", help="A trained pipeline folder; default: the one set-up "
                                            "trained (NARCWATCH_NLP_MODEL overrides).")]


def _load(model: Path | None) -> Language:
    import spacy

    from nlp.pipeline import NotTrainedError, default

    try:
        return spacy.load(model) if model else default()
    except (NotTrainedError, OSError) as exc:
        err.print(f"[red]Cannot load the NLP pipeline:[/] {exc}", markup=True, highlight=False)
        raise typer.Exit(2) from None


def _parse(number: int, raw: bytes) -> tuple[object, str] | dict:
    """(id, text) for a usable line, else the error line to print in its place."""
    def error(message: str, record_id: object = None) -> dict:
        return {"line": number, "id": record_id, "error": f"line {number}: {message}"}

    try:
        record = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return error(f"not UTF-8 (byte {exc.start})")
    except json.JSONDecodeError as exc:
        return error(f"not valid JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(record, dict):
        return error(f"expected a JSON object, got {type(record).__name__}")
    from nlp.pipeline import record_text

    record_id = record.get("id", record.get("key", number))
    # Crawler items (listings, posts, vendor profiles) are accepted as they are, so crawl output can be analysed
    # directly.
    kind = record.get("kind")
    crawled = "description" in record or kind == "vendor" or (kind == "post" and "text" in record)
    text = record_text(record) if crawled else record.get("text")
    if not isinstance(text, str):
        return error('no "text" string (or "title"/"description")', record_id)
    return record_id, text


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    for number, raw in enumerate(stream, 1):
        if raw.strip():
            yield number, raw


def analyze(
    file: Annotated[str, typer.Argument(help="JSONL file, or '-' for standard input.")],
    model: Model = None,
    batch_size: Annotated[int, typer.Option(help="Texts per spaCy batch.")] = 256,
    processes: Annotated[int, typer.Option(help="Worker processes for the pipeline.")] = 1,
) -> None:
    """Analyse JSON lines ({"id", "text"}, or crawler items) and print one JSON line per input: language,
    category, scores, substances, identifiers, quantities, prices. A bad line prints an error line naming it and
    the rest is processed; the exit code is then 1."""
    if file != "-" and not Path(file).is_file():
        err.print(f"[red]No such file:[/] {file}", highlight=False)
        raise typer.Exit(2)
    from nlp.pipeline import result

    nlp = _load(model)
    stream = sys.stdin.buffer if file == "-" else open(file, "rb")  # noqa: SIM115  # closed below
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=False, newline="\n")
    done = bad = 0
    chunk_size = batch_size * max(1, processes) * 4  # bounded memory; big enough to keep workers busy
    try:
        lines = _lines(stream)
        while chunk := list(islice(lines, chunk_size)):
            parsed = [_parse(number, raw) for number, raw in chunk]
            good = [item for item in parsed if isinstance(item, tuple)]
            docs = nlp.pipe(((text, record_id) for record_id, text in good), as_tuples=True,
                            batch_size=batch_size, n_process=processes)
            for item in parsed:
                if isinstance(item, dict):
                    bad += 1
                    err.print(f"[yellow]skipped[/] {item['error']}", highlight=False)
                    out.write(json.dumps(item, ensure_ascii=False) + "\n")
                else:
                    doc, record_id = next(docs)
                    out.write(json.dumps(result(doc, record_id), ensure_ascii=False) + "\n")
                    done += 1
            out.flush()
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
        out.detach()
    err.print(f"analysed {done} texts" + (f", {bad} bad lines" if bad else ""), highlight=False)
    if bad:
        raise typer.Exit(1)


@app.command("train")
def train_command(
    corpus: Annotated[Path | None, typer.Option(help="Folder of <lang>.jsonl offer texts; default: the shipped "
                                                "corpus.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where to save the trained pipeline; default: where "
                                             "`narcwatch analyze` looks.")] = None,
) -> None:
    """Train the offer classifier on the corpus's train split (best model on dev) and save the whole pipeline."""
    from nlp.offers import CorpusError
    from nlp.pipeline import model_dir, train

    try:
        path = train(out or model_dir(), corpus, stdout=sys.stderr)
    except CorpusError as exc:
        err.print(f"[red]Offer corpus error:[/] {exc}", highlight=False)
        raise typer.Exit(2) from None
    import spacy

    from nlp.evaluate import evaluate_offers

    report = evaluate_offers(spacy.load(path), "test")
    print(f"trained pipeline saved to {path}; held-out macro-F1 {report.macro_f1:.3f}, accuracy {report.accuracy:.3f}",
          file=sys.stderr)


def _read_truth(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _classification_table(title: str, report: Classification) -> Table:
    table = Table(title=title)
    for column in ("class", "precision", "recall", "F1", "support"):
        table.add_column(column, justify="left" if column == "class" else "right")
    for c in report.classes:
        table.add_row(c.label, f"{c.precision:.3f}", f"{c.recall:.3f}", f"{c.f1:.3f}", str(c.support))
    table.add_section()
    table.add_row("macro", "", "", f"{report.macro_f1:.3f}", str(sum(c.support for c in report.classes)))
    table.add_row("accuracy", "", "", f"{report.accuracy:.3f}", "")
    return table


@app.command("eval")
def eval_command(
    model: Model = None,
    split: Annotated[str, typer.Option(help="Corpus split to score: test (held out), dev or train.")] = "test",
    truth: Annotated[Path | None, typer.Option(help="Ground truth JSONL (`narcwatch range truth`); default: "
                                               "generated from --seed and --listings.")] = None,
    seed: Annotated[int, typer.Option(help="Test-range seed for the generated truth.")] = 7,
    listings: Annotated[int, typer.Option(help="Test-range size for the generated truth.")] = 2000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")] = False,
) -> None:
    """Per-class precision, recall and F1 of the offer classifier on the held-out split, and identifier precision
    and recall (with decoys), substance recall and category accuracy against the test range's ground truth."""
    from nlp.evaluate import evaluate_offers, evaluate_range

    nlp = _load(model)
    with err.status("classifying the held-out split"):
        offers = evaluate_offers(nlp, split)
    if truth is None:  # the range writes its own truth: nlp/ shares no code with it
        with tempfile.TemporaryDirectory(prefix="narcwatch-truth-") as folder:
            truth = Path(folder) / "truth.jsonl"
            made = subprocess.run([sys.executable, "-m", "narcwatch.cli", "range", "truth", "--seed", str(seed),
                                   "--listings", str(listings), "--out", str(truth)], capture_output=True, text=True)
            if made.returncode:
                err.print(f"[red]Could not write the test range's truth:[/] {made.stderr[-2000:]}", highlight=False)
                raise typer.Exit(2)
            records = _read_truth(truth)
    else:
        records = _read_truth(truth)
    with err.status(f"analysing {sum(r['type'] in ('listing', 'post') for r in records)} test-range texts"):
        report = evaluate_range(nlp, records)
    if as_json:
        print(json.dumps({"offers": {**asdict(offers), "macro_f1": offers.macro_f1, "split": split},
                          "range": {**asdict(report), "categories": {**asdict(report.categories),
                                                                     "macro_f1": report.categories.macro_f1}}},
                         ensure_ascii=False, indent=1))
        return
    console = Console()
    meta = nlp.meta.get("narcwatch", {})
    console.print(_classification_table(f"Offer classification · corpus {split} split · "
                                        f"{meta.get('corpus_texts', '?')} texts in corpus", offers))
    languages = Table(title="Accuracy by language (corpus split)")
    for lang in offers.by_group:
        languages.add_column(lang, justify="right")
    languages.add_row(*(f"{c / n:.2f} ({n})" for c, n in offers.by_group.values()))
    console.print(languages)
    ids = report.identifiers
    table = Table(title=f"Identifiers vs test-range truth · {report.texts} texts · {ids.decoys} decoys, "
                        f"{len(ids.decoys_extracted)} extracted")
    for column in ("type", "precision", "recall", "found", "false +", "missed"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name, (tp, fp, fn) in ids.counts.items():
        table.add_row(name, f"{ids.precision(name):.3f}", f"{ids.recall(name):.3f}", str(tp), str(fp), str(fn))
    console.print(table)
    if ids.unscored:
        console.print("Extracted, but of a type the truth does not list (not scored): "
                      + ", ".join(f"{name} {n}" for name, n in ids.unscored.items()))
    console.print(_classification_table("Categories vs test-range truth", report.categories))
    console.print(f"Substance recall vs test-range truth: {report.substance_recall:.3f}")
