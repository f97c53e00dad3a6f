"""What the offer classifier reads besides the words: the rule-based findings, written into token norms.

A classifier trained on a few thousand texts has seen "cocaine" but not "гидрокодон", "c0ca1ne" or a wallet it
never met. The lexicon, the identifier validators and the quantity parser know them all, so every token inside
a finding gets a language-independent norm ("__stimulant__", "__precursor__", "__price__", "__wallet__"...):
the classifier learns "a substance, a weight and a price" once and recognises it in any language and spelling.
Norms are what the classifier reads (its embedding and its bag of words); text, token texts and lemmas are
untouched.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string
from spacy.tokens import Doc
from thinc.api import Model, SparseLinear_v2, chain, resizable, softmax_activation, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats1d, Floats2d, Ints1d

from nlp.components import doc_text
from nlp.lexicon import CAS_PATTERN, ILLICIT_CATEGORIES, SubstanceClass, load_illicit, valid_cas

# spaCy's TextCatBOW.v3 output bias for the not-yet-seen classes of a resized layer.
_NEG_VALUE = -5000

# Identifier type -> feature: what matters to an offer is that there is a way to pay or to get in touch.
IDENTIFIER_FEATURES = {"crypto_address": "__wallet__", "iban": "__account__", "card": "__account__",
                       "onion": "__link__", "url": "__link__", "pgp_fingerprint": "__pgp__"}
CONTACT = "__contact__"  # email, phone, messenger handles


@Language.factory(
    "narcwatch_offer_features",
    requires=["doc._.substances", "doc._.identifiers", "doc._.quantities", "doc._.prices"],
    assigns=["token.norm"],
)
def make_offer_features(nlp: Language, name: str) -> OfferFeatures:
    return OfferFeatures(nlp)


class OfferFeatures:
    """Also marks what no other component reports but tells offers apart: other illicit goods and services
    ("__weapon__", "__document__"...; lexicon illicit.tsv, matched on lower-cased tokens by spaCy's PhraseMatcher)
    and valid CAS numbers of chemicals that are not precursors ("__cas__": the mark of a legal chemical page)."""

    def __init__(self, nlp: Language) -> None:
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.ambiguous: set[str] = set()
        for category in ILLICIT_CATEGORIES:
            terms = [t for t in load_illicit() if t.category == category]
            for ambiguous in (False, True):
                key = f"__{category}__" + ("?" if ambiguous else "")
                patterns = [nlp.make_doc(t.term) for t in terms if t.ambiguous == ambiguous]
                if patterns:
                    self.matcher.add(key, patterns)
                if ambiguous:
                    self.ambiguous.add(key)

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._  # each `doc._` makes a new accessor object
        spans: list[tuple[int, int, str]] = []
        offer = bool(ext.prices or ext.quantities)
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key not in self.ambiguous or offer:
                spans.append((doc[start].idx, doc[end - 1].idx + len(doc[end - 1]), key.rstrip("?")))
        for found in ext.substances or ():
            feature = "__precursor__" if found["precursor_table"] else f"__{found['class'] or 'drug'}__"
            spans.append((found["start"], found["end"], feature))
        named = [(s["start"], s["end"]) for s in ext.substances or ()]
        for m in CAS_PATTERN.finditer(doc_text(doc)):
            if valid_cas(m.group()) and not any(start <= m.start() < end for start, end in named):
                spans.append((m.start(), m.end(), "__cas__"))
        spans += [(q["start"], q["end"], "__quantity__") for q in ext.quantities or ()]
        spans += [(p["start"], p["end"], "__price__") for p in ext.prices or ()]
        spans += [(i["start"], i["end"], IDENTIFIER_FEATURES.get(i["type"], CONTACT)) for i in ext.identifiers or ()]
        for start, end, feature in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None:
                for token in span:
                    token.norm_ = feature
        return doc


# Every drug class is "__drug__" in finding pairs: a drug with a price is an offer whatever the drug.
_DRUG_CLASSES = frozenset(f"__{c.value}__" for c in SubstanceClass) | {"__drug__"}


def finding_pairs(doc: Doc) -> list[str]:
    """Every pair of kinds of findings in a Doc ("__price__ & __weapon__"), sorted. Word n-grams see a finding only
    next to its neighbours, and a listing's layout (tiers, "units", "pcs", delivery terms) is shared by drug and
    other illicit offers, whose menus outnumber the rest; a pair says what goes with what anywhere in the text: a
    weapon with a price is a weapon offer, a drug with a weight and no price or contact more likely a review."""
    kinds = sorted({"__drug__" if t.norm_ in _DRUG_CLASSES else t.norm_ for t in doc if _is_finding(t.norm_)})
    return [f"{a} & {b}" for i, a in enumerate(kinds) for b in kinds[i + 1:]]


def _is_finding(norm: str) -> bool:
    return len(norm) > 4 and norm.startswith("__") and norm.endswith("__")


def extract_norm_features(ngram_size: int) -> Model[list[Doc], tuple[Ints1d, Floats1d, Ints1d]]:
    """spaCy's extract_ngrams over token norms, each n-gram counted once however often it occurs, and the finding
    pairs above, one key each (hashes of strings with spaces, which no token norm has). With counts, the layout of
    a text outweighs what it offers: a price menu's six colons or a dozen "__price__" tokens drown one
    "__weapon__", and a listing in an unfamiliar format reads as whatever the corpus wrote that way."""
    ngrams = extract_ngrams(ngram_size, attr=NORM)

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[tuple[Ints1d, Floats1d, Ints1d], Callable]:
        (keys, _counts, lengths), backprop = ngrams(docs, is_train)
        xp = model.ops.xp
        pairs = [xp.asarray([hash_string(pair) for pair in finding_pairs(doc)], dtype=keys.dtype) for doc in docs]
        ends = xp.cumsum(lengths).tolist()
        keys = xp.concatenate([part for doc_pairs, start, end in zip(pairs, [0, *ends[:-1]], ends, strict=True)
                               for part in (keys[start:end], doc_pairs)])
        lengths = lengths + model.ops.asarray([len(doc_pairs) for doc_pairs in pairs], dtype="int32")
        return (keys, xp.ones(len(keys), dtype="f"), lengths), backprop

    return Model("extract_norm_features", forward, layers=[ngrams])


@spacy.registry.architectures("narcwatch.TextCatBOWNorm.v2")
def build_bow_norm_classifier(ngram_size: int, length: int = 262144,
                              nO: int | None = None) -> Model[list[Doc], Floats2d]:
    """spaCy's TextCatBOW.v3 for exclusive classes, over the n-grams of token norms present instead of exact texts:
    lower-cased words, and the findings above as one feature each ("__price__ __quantity__"), so the linear part
    generalises as the embedding does; and over the pairs of findings. (TextCatBOW.v3 fixes the attribute to
    ORTH.)"""
    length = 2 ** (length - 1).bit_length()
    sparse_linear = SparseLinear_v2(nO=nO, length=length)
    layer = resizable(sparse_linear, resize_layer=partial(resize_linear_weighted,
                                                          fill_defaults={"b": _NEG_VALUE, "W": 0}))
    model = chain(with_cpu(chain(extract_norm_features(ngram_size), layer), layer.ops),
                  with_cpu(softmax_activation(), layer.ops))
    if nO is not None:
        model.set_dim("nO", nO)
    model.set_ref("output_layer", sparse_linear)
    model.attrs["multi_label"] = False
    model.attrs["resize_output"] = partial(resize_and_set_ref, resizable_layer=layer)
    return model
