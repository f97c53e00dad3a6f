"""What the offer classifier reads besides the words: the rule-based findings, written into token norms.

A classifier trained on a few thousand texts has seen "cocaine" but not "гидрокодон", "c0ca1ne" or a wallet it
never met. The lexicon, the identifier validators and the quantity parser know them all, so every token inside
a finding gets a language-independent norm ("__stimulant__", "__precursor__", "__price__", "__wallet__"...):
the classifier learns "a substance, a weight and a price" once and recognises it in any language and spelling.
Norms are what the classifier reads (its embedding and its bag of words); text, token texts and lemmas are
untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

import spacy
from spacy.attrs import NORM
from spacy.language import Language
from spacy.ml.extract_ngrams import extract_ngrams
from spacy.ml.models.textcat import resize_and_set_ref
from spacy.strings import hash_string
from spacy.tokens import Doc
from thinc.api import Model, SparseLinear_v2, chain, resizable, softmax_activation, with_cpu
from thinc.layers.resizable import resize_linear_weighted
from thinc.types import Floats1d, Floats2d, Ints1d

from nlp.components import _tokens, _word, doc_text
from nlp.lexicon import CAS_PATTERN, SubstanceClass, load_illicit, valid_cas
from nlp.normalize import Normalized, normalize

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


# Hyphen-joined words glued for a lookup ("bank-logs", "C-V-V"): at most this many tokens, letters and hyphens.
_GLUED_TOKENS = 5


class OfferFeatures:
    """Also marks what no other component reports but tells offers apart: other illicit goods and services
    ("__weapon__", "__document__"...; lexicon illicit.tsv) and valid CAS numbers of chemicals that are not
    precursors ("__cas__": the mark of a legal chemical page).

    Illicit terms are looked up like substances, on the normaliser's text and its word tokens: vendors disguise
    "f4ke p4ssport", "C⁠V​V" and "NETFLIХ" (Cyrillic Х) as they disguise drug names, and write "SSN+DOB" or
    "bank-logs" without the spaces the lexicon has."""

    def __init__(self, nlp: Language) -> None:
        self.terms: dict[tuple[str, ...], tuple[str, bool]] = {}
        self.glued: dict[str, tuple[str, bool]] = {}
        for term in load_illicit():
            key = tuple(_word(m.group()) for m in _tokens(normalize(term.term).text))
            value = (f"__{term.category}__", term.ambiguous)
            self.terms.setdefault(key, value)
            if len(key) > 1 and all(word.isalpha() for word in key):  # "bank logs" also as "bank-logs", "banklogs"
                self.glued.setdefault("".join(key), value)
        self.longest: dict[str, int] = {}
        for key in self.terms:
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))

    def _illicit(self, norm: Normalized) -> Iterator[tuple[int, int, str, bool]]:
        """Longest-first (original start, end, feature, ambiguous) of illicit terms; a run of words joined by
        hyphens is also looked up glued, so "C-V-V" is "cvv"."""
        tokens = _tokens(norm.text)
        words = [_word(m.group()) for m in tokens]
        i = 0
        while i < len(words):
            found = None
            for n in range(min(self.longest.get(words[i], 0), len(words) - i), 0, -1):
                if found := self.terms.get(tuple(words[i : i + n])):
                    break
            if not found and words[i].isalpha():
                glued, n = words[i], 1
                for k in range(i + 2, min(i + _GLUED_TOKENS, len(words)), 2):
                    if words[k - 1] != "-" or not words[k].isalpha():
                        break
                    glued += words[k]
                    if hit := self.glued.get(glued) or (self.terms.get((glued,)) if len(glued) > 2 else None):
                        found, n = hit, k - i + 1
            if found:
                yield *norm.span(tokens[i].start(), tokens[i + n - 1].end()), *found
                i += n
            else:
                i += 1

    def __call__(self, doc: Doc) -> Doc:
        ext = doc._  # each `doc._` makes a new accessor object
        offer = bool(ext.prices or ext.quantities)
        spans = [(start, end, feature) for start, end, feature, ambiguous in self._illicit(ext.normalized)
                 if offer or not ambiguous]
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
