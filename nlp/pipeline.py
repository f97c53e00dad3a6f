"""Build, save, load and run the narcwatch spaCy pipeline defined in config.cfg."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

from nlp import components  # noqa: F401  # registers the factories even where the entry points are not installed

CONFIG = Path(__file__).with_name("config.cfg")


def build(path: Path | None = None) -> Language:
    """A fresh pipeline from config.cfg; saved to `path` when given, so workers can `spacy.load` it."""
    config = spacy.util.load_config(CONFIG)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)
    nlp.initialize()
    if path is not None:
        nlp.to_disk(path)
    return nlp


def load(path: Path) -> Language:
    return spacy.load(path)


def _text(record: dict) -> str:
    """Listings have a title and a description, posts a text (and sometimes a title)."""
    body = record.get("description") if record.get("description") is not None else record.get("text")
    return "\n".join(part for part in (record.get("title"), body) if part)


def analyze(nlp: Language, records: Iterable[dict], batch_size: int | None = None) -> Iterator[dict]:
    """Per record: id, language, substances, identifiers, quantities and prices, offsets into title + "\\n" + body.

    `batch_size` defaults to the config's [nlp] batch_size."""
    pairs = ((_text(record), record.get("id")) for record in records)
    for doc, record_id in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
        yield {"id": record_id, "language": doc._.language, "substances": doc._.substances,
               "identifiers": doc._.identifiers, "quantities": doc._.quantities, "prices": doc._.prices}
