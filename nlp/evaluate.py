"""Figures for `narcwatch nlp eval`: offer classification on the corpus's held-out split, and identifiers,
substances and categories against ground-truth records in the test range's truth format.

Truth records come in as plain dicts (from `narcwatch range truth` or testsites.world), so nothing here depends
on how the range generates them.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language

from nlp.lexicon import load_precursors, load_substances
from nlp.offers import LABELS, load_corpus
from nlp.pipeline import analyze, record_text


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Classification:
    classes: tuple[ClassScore, ...]
    accuracy: float
    confusion: dict[str, dict[str, int]]  # truth -> prediction -> count
    by_group: dict[str, tuple[int, int]] = field(default_factory=dict)  # group (language) -> (correct, total)

    @property
    def macro_f1(self) -> float:
        scored = [c for c in self.classes if c.support]
        return sum(c.f1 for c in scored) / len(scored) if scored else 0.0


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def classification(pairs: Sequence[tuple[str, str]], groups: Sequence[str] | None = None,
                   labels: Sequence[str] = LABELS) -> Classification:
    """Per-class precision, recall and F1 from (truth, prediction) pairs."""
    confusion = {t: dict.fromkeys(labels, 0) for t in labels}
    by_group: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for i, (truth, predicted) in enumerate(pairs):
        confusion[truth][predicted] += 1
        if groups is not None:
            by_group[groups[i]][0] += truth == predicted
            by_group[groups[i]][1] += 1
    classes = []
    for label in labels:
        tp = confusion[label][label]
        predicted = sum(confusion[t][label] for t in labels)
        support = sum(confusion[label].values())
        p, r = _ratio(tp, predicted), _ratio(tp, support)
        classes.append(ClassScore(label, p, r, _ratio(2 * p * r, p + r), support))
    correct = sum(confusion[label][label] for label in labels)
    return Classification(tuple(classes), _ratio(correct, len(pairs)), confusion,
                          {g: (c, n) for g, (c, n) in sorted(by_group.items())})


def evaluate_offers(nlp: Language, split: str = "test", corpus: Path | None = None) -> Classification:
    """The classifier on one split of the corpus (default: the held-out test split it never saw)."""
    items = [item for item in load_corpus(corpus) if item.split == split]
    docs = nlp.pipe(item.text for item in items)
    pairs = [(item.label, max(doc.cats, key=doc.cats.__getitem__)) for item, doc in zip(items, docs, strict=True)]
    return classification(pairs, [item.lang for item in items])


def truth_key(item: dict) -> tuple[str, str, str | None]:
    """An identifier as (type, normalised value, currency), the form extraction reports it in."""
    value = item["value"]
    if item["type"] == "phone":
        value = item["e164"]
    elif item["type"] == "iban":
        value = item["compact"]
    elif item["type"] == "telegram":
        value = value.lstrip("@").lower()
    elif item["type"] == "crypto_address" and item.get("kind") in ("bech32", "bech32m"):
        value = value.lower()
    return item["type"], value, item.get("currency")


@dataclass(frozen=True, slots=True)
class Extraction:
    """Precision and recall per identifier type (crypto addresses per currency), and decoys extracted."""

    counts: dict[str, tuple[int, int, int]]  # name -> (true positives, false positives, false negatives)
    decoys: int
    decoys_extracted: list[dict]
    unscored: dict[str, int]  # extracted types the truth never lists (e.g. URLs), by count

    def precision(self, name: str) -> float:
        tp, fp, _ = self.counts[name]
        return _ratio(tp, tp + fp) if tp + fp else 1.0

    def recall(self, name: str) -> float:
        tp, _, fn = self.counts[name]
        return _ratio(tp, tp + fn) if tp + fn else 1.0


@dataclass(frozen=True, slots=True)
class RangeReport:
    identifiers: Extraction
    categories: Classification
    substance_recall: float
    substances_missed: dict[str, int]  # canonical name -> times missed, most missed first
    texts: int


def _name(item_type: str, currency: str | None) -> str:
    return f"crypto {currency}" if item_type == "crypto_address" else item_type


def _canonical_names() -> dict[str, str]:
    """Lexicon term -> canonical name: the lexicon folds analogues and forms into a parent ("acetylfentanyl" ->
    fentanyl), so truth names are read through it and both sides are compared at the lexicon's granularity."""
    canonical: dict[str, str] = {}
    for row in [*load_substances(), *load_precursors()]:
        canonical.setdefault(row.term.lower(), row.canonical.lower())
    return canonical


def evaluate_range(nlp: Language, truth: Iterable[dict]) -> RangeReport:
    """Run the pipeline over every listing and post of a truth file and score it: identifiers (a decoy found
    anywhere in its text is a false positive), categories when the pipeline classifies, and substance recall."""
    records = list(truth)
    texts = [r for r in records if r["type"] in ("listing", "post")]
    decoys_by_url: dict[str, list[dict]] = collections.defaultdict(list)
    for decoy in (r for r in records if r["type"] == "decoy"):
        decoys_by_url[decoy["url"]].append(decoy)
    counts: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0, 0])
    decoys_extracted: list[dict] = []
    pairs: list[tuple[str, str]] = []
    found_substances = total_substances = 0
    missed: collections.Counter[str] = collections.Counter()
    canonical = _canonical_names()
    for record, result in zip(texts, analyze(nlp, texts), strict=True):
        expected = {truth_key(i) for i in record["identifiers"]}
        got = {(i["type"], i["normalized"], i["currency"]) for i in result["identifiers"]}
        for key in got | expected:
            counts[_name(key[0], key[2])][0 if key in got and key in expected else 1 if key in got else 2] += 1
        text = record_text(record)
        for decoy in decoys_by_url.get(record["url"], ()):
            start = text.find(decoy["value"])
            end = start + len(decoy["value"])
            if start < 0:
                raise ValueError(f"truth lists decoy {decoy['value']} for {record['url']}, but its text lacks it")
            if any(i["start"] < end and start < i["end"] for i in result["identifiers"]):
                decoys_extracted.append(decoy)
        if result["category"] is not None:
            pairs.append((record["category"], result["category"]))
        names = {s["name"].lower() for s in result["substances"]}
        # Ordinary chemicals a legal shop names (no drug class, no precursor table) are not what narcwatch seeks.
        wanted = {canonical.get(s["name"].lower(), s["name"].lower()) for s in record["substances"]
                  if s["class"] or s["precursor_table"] or record["category"] == "precursor_offer"}
        found_substances += len(wanted & names)
        total_substances += len(wanted)
        missed.update(wanted - names)
    listed = {_name(i["type"], i.get("currency")) for r in texts for i in r["identifiers"]}
    extraction = Extraction({name: (tp, fp, fn) for name, (tp, fp, fn) in sorted(counts.items()) if name in listed},
                            sum(map(len, decoys_by_url.values())), decoys_extracted,
                            {name: fp for name, (_, fp, _) in sorted(counts.items()) if name not in listed})
    return RangeReport(extraction, classification(pairs), _ratio(found_substances, total_substances),
                       dict(missed.most_common()), len(texts))
