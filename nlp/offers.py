"""The offer corpus: hand-written texts labelled for the offer classifier, their train/dev/test split, and the
spaCy reader the training config uses.

The split is a stable hash of the whitespace-normalised text, so it never depends on file order, adding texts
never moves an old text between splits, and the held-out test set is never seen in training or model selection.
See data/offers/GUIDELINES.md for what each label means.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Literal

import spacy
from pydantic import BaseModel, ConfigDict, ValidationError
from spacy.language import Language
from spacy.training import Example

LABELS = ("drug_offer", "precursor_offer", "other_illicit_offer", "not_offer")
GENRES = frozenset({"listing", "channel", "forum", "shop", "classified", "news", "advice", "question", "warning",
                    "review", "announcement", "chat"})
Split = Literal["train", "dev", "test"]
# Percent of texts per split, by hash bucket: train [0, 70), dev [70, 80), test [80, 100).
SPLIT_BOUNDS = (("train", 70), ("dev", 80), ("test", 100))


class CorpusError(ValueError):
    """A corpus line that cannot be used, named by file and line."""


class _Line(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str
    label: Literal["drug_offer", "precursor_offer", "other_illicit_offer", "not_offer"]
    genre: str


@dataclass(frozen=True, slots=True)
class OfferText:
    text: str
    label: str
    genre: str
    lang: str
    split: Split


def corpus_dir() -> Path:
    return Path(str(files("nlp") / "data" / "offers"))


def split_of(text: str) -> Split:
    bucket = int(hashlib.sha256(" ".join(text.split()).encode()).hexdigest()[:8], 16) % 100
    return next(name for name, bound in SPLIT_BOUNDS if bucket < bound)  # type: ignore[return-value]


@cache
def load_corpus(directory: Path | None = None) -> tuple[OfferText, ...]:
    """Every text of every `<lang>.jsonl`; a malformed line, unknown genre or duplicate text is an error, because
    a silently skipped or doubled example changes what the classifier learns and what its figures mean."""
    texts: list[OfferText] = []
    seen: dict[str, str] = {}
    for path in sorted((directory or corpus_dir()).glob("*.jsonl")):
        for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not raw.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                line = _Line.model_validate(json.loads(raw))
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
            except ValidationError as exc:
                problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise CorpusError(f"{where}: {problems}") from None
            if line.genre not in GENRES:
                raise CorpusError(f"{where}: genre {line.genre!r} is not one of {sorted(GENRES)}")
            key = " ".join(line.text.split()).casefold()
            if key in seen:
                raise CorpusError(f"{where}: duplicate of {seen[key]}")
            seen[key] = where
            texts.append(OfferText(line.text, line.label, line.genre, path.stem, split_of(line.text)))
    if not texts:
        raise CorpusError(f"no offer corpus (*.jsonl) in {directory or corpus_dir()}")
    return tuple(texts)


def cats(label: str) -> dict[str, float]:
    return {name: float(name == label) for name in LABELS}


@spacy.registry.readers("narcwatch.offers.v1")
def offer_reader(split: str, directory: str | None = None) -> Callable[[Language], Iterator[Example]]:
    """The corpus split as spaCy Examples, for `[corpora]` in config.cfg."""
    if split not in ("train", "dev", "test"):
        raise ValueError(f"split must be train, dev or test, not {split!r}")

    def read(nlp: Language) -> Iterator[Example]:
        for item in load_corpus(Path(directory) if directory else None):
            if item.split == split:
                yield Example.from_dict(nlp.make_doc(item.text), {"cats": cats(item.label)})

    return read
