"""Build, train, save, load and run the narcwatch spaCy pipeline defined in config.cfg.

The rule-based components need no training; the offer classifier (`textcat`) is trained from the shipped corpus
by `narcwatch nlp train`, which `make setup` runs. The trained pipeline is saved whole, so `spacy.load(path)` is
all a worker needs. It lives in the virtual environment (`<venv>/share/narcwatch/nlp`) because it is built
there at set-up, or wherever NARCWATCH_NLP_MODEL points.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import spacy
from spacy.language import Language
from spacy.training.initialize import init_nlp
from spacy.training.loop import train as spacy_train

from nlp import (
    components,  # noqa: F401  # registers the factories even where the entry points are not installed
    features,  # noqa: F401
    offers,  # registers the corpus reader the training config names
)

CONFIG = Path(__file__).with_name("config.cfg")
CLASSIFIER = "textcat"


class NotTrainedError(RuntimeError):
    """The trained pipeline is missing: set-up has not run, or NARCWATCH_NLP_MODEL points nowhere."""


def model_dir() -> Path:
    return Path(os.environ.get("NARCWATCH_NLP_MODEL") or Path(sys.prefix) / "share" / "narcwatch" / "nlp")


def build(path: Path | None = None, overrides: dict[str, object] | None = None) -> Language:
    """The rule-based pipeline from config.cfg (with `overrides`, dotted config keys), without the classifier (it
    needs training) and the features it reads; saved to `path` when given. For extraction without
    classification, and for tests of the rule-based components."""
    config = spacy.util.load_config(CONFIG, overrides=overrides or {})
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, exclude=[CLASSIFIER, "narcwatch_offer_features"])
    nlp.initialize()
    if path is not None:
        nlp.to_disk(path)
    return nlp


def training_digest(corpus: Path | None = None) -> str:
    """SHA-256 over what the trained classifier depends on (its corpus, the lexicons its features come from and
    the config), recorded in the model so a stale model can be told from a current one."""
    data = Path(__file__).with_name("data")
    digest = hashlib.sha256()
    for path in [*sorted((corpus or offers.corpus_dir()).glob("*.jsonl")), *sorted(data.glob("*.tsv")), CONFIG]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def train(output: Path | None = None, corpus: Path | None = None, stdout: IO[str] = sys.stdout,
          overrides: dict[str, object] | None = None) -> Path:
    """Train the classifier on the corpus's train split, keep the best model on the dev split, save the whole
    pipeline to `output` (default: model_dir()) and return that path. Seeded, so set-up is reproducible.
    `overrides` are dotted config keys, for tuning."""
    output = output or model_dir()
    overrides = {**(overrides or {}), **({"paths.offers": str(corpus)} if corpus else {})}
    config = spacy.util.load_config(CONFIG, overrides=overrides, interpolate=False)
    nlp = init_nlp(config)
    with tempfile.TemporaryDirectory(prefix="narcwatch-train-") as work:
        spacy_train(nlp, Path(work), stdout=stdout, stderr=stdout)
        best = spacy.load(Path(work) / "model-best")
    best.meta["narcwatch"] = {"inputs_sha256": training_digest(corpus), "corpus_texts": len(offers.load_corpus(corpus))}
    staging = output.with_name(output.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    best.to_disk(staging)
    shutil.rmtree(output, ignore_errors=True)
    staging.rename(output)  # a reader never sees a half-written model
    return output


def default() -> Language:
    """The trained pipeline, classifier included."""
    path = model_dir()
    if not (path / "config.cfg").exists():
        raise NotTrainedError(f"no trained NLP pipeline at {path}: run `make setup` or `narcwatch nlp train` "
                              "(or set NARCWATCH_NLP_MODEL to a trained pipeline)")
    return spacy.load(path)


def record_text(record: dict) -> str:
    """Listings have a title and a description, posts a text (and sometimes a title); a vendor profile is its name,
    profile text, contact lines and published key block."""
    if record.get("kind") == "vendor":
        parts = [record.get("name"), record.get("profile_text"), *(record.get("contacts") or []), record.get("pgp_key")]
        return "\n".join(part for part in parts if part)
    body = record.get("description") if record.get("description") is not None else record.get("text")
    return "\n".join(part for part in (record.get("title"), body) if part)


def result(doc: spacy.tokens.Doc, record_id: object = None) -> dict:
    """One analysed text in the shape `narcwatch analyze` prints; category and scores are None without a
    classifier. `pgp_keys` adds what a key block's fingerprint identifier cannot hold: key id, user ids, creation
    time, algorithm."""
    scores = {label: round(float(p), 4) for label, p in doc.cats.items()} or None
    return {"id": record_id, "language": doc._.language,
            "category": max(scores, key=scores.__getitem__) if scores else None, "scores": scores,
            "substances": doc._.substances, "identifiers": doc._.identifiers, "quantities": doc._.quantities,
            "prices": doc._.prices, "pgp_keys": doc._.pgp_keys}


def analyze(nlp: Language, records: Iterable[dict], batch_size: int | None = None,
            n_process: int = 1) -> Iterator[dict]:
    """Per record: id, language, category, scores, substances, identifiers, quantities and prices, with offsets
    into title + "\\n" + body.

    `batch_size` defaults to the config's [nlp] batch_size."""
    pairs = ((record_text(record), record.get("id")) for record in records)
    for doc, record_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size, n_process=n_process):
        yield result(doc, record_id)
