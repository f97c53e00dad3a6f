"""The offer corpus and the trained classifier: coverage, a stable held-out split, the figures the issue sets, and
texts written for this test only (in no corpus file) in several languages."""

from __future__ import annotations

import collections
import io
import json
from pathlib import Path

import pytest
import spacy
from spacy.language import Language

from nlp.evaluate import evaluate_offers
from nlp.offers import GENRES, LABELS, CorpusError, load_corpus, offer_reader, split_of
from nlp.pipeline import default, train, training_digest

LANGUAGES = {"en", "ru", "uk", "de", "es", "fr", "pt", "nl", "pl", "it"}


@pytest.fixture(scope="module")
def nlp() -> Language:
    return default()


def test_corpus_covers_every_class_in_every_language() -> None:
    corpus = load_corpus()
    by_lang = collections.defaultdict(collections.Counter)
    for item in corpus:
        by_lang[item.lang][item.label] += 1
        assert item.genre in GENRES
    assert set(by_lang) >= LANGUAGES
    for lang, counts in by_lang.items():
        assert set(counts) == set(LABELS), (lang, counts)
        assert min(counts.values()) >= 20, (lang, counts)
    hard_negatives = [i for i in corpus if i.label == "not_offer" and i.genre in {"news", "advice", "question",
                                                                                  "warning", "review"}]
    assert len(hard_negatives) >= 0.15 * len(corpus)


def test_split_is_a_stable_hash_of_the_text_with_a_real_held_out_share() -> None:
    corpus = load_corpus()
    shares = collections.Counter(item.split for item in corpus)
    assert abs(shares["test"] / len(corpus) - 0.2) < 0.04 and abs(shares["dev"] / len(corpus) - 0.1) < 0.03
    assert all(split_of(item.text) == item.split for item in corpus)
    assert split_of("Selling  coke\n1g") == split_of("Selling coke 1g")  # whitespace does not move a text
    test_by_class = collections.Counter(item.label for item in corpus if item.split == "test")
    assert min(test_by_class[label] for label in LABELS) >= 40


def test_bad_corpus_lines_are_named_by_file_and_line(tmp_path: Path) -> None:
    good = {"text": "Selling coke", "label": "drug_offer", "genre": "listing"}
    cases = {
        "not json": "not valid JSON",
        json.dumps({**good, "label": "drugs"}): "label",
        json.dumps({**good, "genre": "blog"}): "genre 'blog'",
        json.dumps({**good, "text": " Selling   COKE "}): "duplicate of en.jsonl:1",
    }
    for i, (line, message) in enumerate(cases.items()):
        folder = tmp_path / str(i)
        folder.mkdir()
        (folder / "en.jsonl").write_text(json.dumps(good) + "\n" + line + "\n")
        with pytest.raises(CorpusError, match="en.jsonl:2") as info:
            load_corpus(folder)
        assert message in str(info.value)
    with pytest.raises(CorpusError, match="no offer corpus"):
        load_corpus(tmp_path / "empty")


def test_reader_gives_one_hot_examples_of_one_split() -> None:
    nlp = spacy.blank("xx")
    examples = list(offer_reader("dev")(nlp))
    assert len(examples) == sum(item.split == "dev" for item in load_corpus())
    for example in examples[:50]:
        cats = example.reference.cats
        assert set(cats) == set(LABELS) and sorted(cats.values()) == [0.0, 0.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="split"):
        offer_reader("holdout")


def test_trained_model_is_current_and_meets_the_held_out_figure(nlp: Language) -> None:
    assert nlp.pipe_names[-1] == "textcat"
    assert nlp.meta["narcwatch"]["inputs_sha256"] == training_digest(), "stale model: run `make setup`"
    report = evaluate_offers(nlp, "test")
    print({c.label: round(c.f1, 3) for c in report.classes}, "macro", round(report.macro_f1, 3),
          {lang: f"{c}/{n}" for lang, (c, n) in report.by_group.items()})
    assert report.macro_f1 >= 0.90
    assert all(c.f1 >= 0.8 for c in report.classes)


# Written for this test, in no corpus file: offers and the hard cases around them.
UNSEEN = [
    ("drug_offer", "Fresh batch of Colombian flake just landed. 1g £70, 3.5 for £220, next day delivery UK only, "
                   "Wickr: frostbite_uk"),
    ("drug_offer", "Мефедрон крис VHQ, клады Москва и область, 1г 2900р, оплата на карту или BTC, пишите оператору"),
    ("drug_offer", "Amfetamina najwyższej jakości, 10g 350 zł, wysyłka paczkomatem, płatność BLIK lub BTC"),
    ("drug_offer", "Verkaufe Gras Amnesia Haze, 10g für 90€, Versand diskret per Brief, nur Treuhand"),
    ("drug_offer", "Tenemos cristal de MDMA 84%, 5g por 120€, envío a toda Europa, contacto por Telegram"),
    ("drug_offer", "Pillen 250mg MDMA, 100 stuks voor 300 euro, verzending binnen NL en BE"),
    ("precursor_offer", "BMK methyl glycidate CAS 80532-66-7 powder, purity 99%, MOQ 1kg, safe shipping to Netherlands "
                        "and Poland, contact WhatsApp"),
    ("precursor_offer", "Продаём 4-анилинопиперидин (4-AP) и 1-Boc-4-пиперидон оптом, доставка в Мексику и США"),
    ("precursor_offer", "Wir liefern PMK-Ethylglycidat in großen Mengen, 100% Zolldurchlass garantiert"),
    ("precursor_offer", "Vendo efedrina clorhidrato al 99,5%, pedido mínimo 5 kg, entrega segura en México"),
    ("other_illicit_offer", "Scannable fake driver licences for all US states, holograms included, $180 each"),
    ("other_illicit_offer", "Продам дебетовые карты на дропов с доступом к онлайн-банку, обнал под ключ"),
    ("other_illicit_offer", "Faux billets de 50€ qualité supérieure, passent au stylo détecteur, 20 billets pour 300€"),
    ("other_illicit_offer", "DDoS-Angriffe auf Bestellung, jede Website offline ab 50$ pro Stunde"),
    ("not_offer", "Police seized 2.3 tonnes of cocaine hidden in a banana shipment at the port of Antwerp"),
    ("not_offer", "Never mix MDMA with MAOIs or lithium, and test your pills with a reagent kit first"),
    ("not_offer", "Anyone know a reliable vendor for ketamine in Berlin? Willing to pay up to 40/g"),
    ("not_offer", "Warnung: Verkäufer SnowKing hat Geld genommen und nichts geschickt, Finger weg!"),
    ("not_offer", "Сегодня полиция задержала двух курьеров с 500 граммами мефедрона в Казани"),
    ("not_offer", "Vendemos ácido cítrico anhidro grado alimentario, sacos de 25 kg, factura incluida"),
    ("not_offer", "Hoe lang blijft cannabis aantoonbaar in urine na één keer blowen?"),
    ("not_offer", "Got my package from this vendor today, stealth was great and the coke tested clean"),
    ("not_offer", "La Guardia di Finanza ha sequestrato un laboratorio di metanfetamina vicino a Napoli"),
    ("not_offer", "Sprzedam rower górski, rama 19 cali, stan bardzo dobry, 1200 zł do negocjacji"),
]


def test_unseen_hand_written_texts_in_several_languages(nlp: Language) -> None:
    corpus = {" ".join(item.text.split()).casefold() for item in load_corpus()}
    assert not any(" ".join(text.split()).casefold() in corpus for _, text in UNSEEN)
    wrong = [(label, max(doc.cats, key=doc.cats.get), text)
             for (label, text), doc in zip(UNSEEN, nlp.pipe(text for _, text in UNSEEN), strict=True)
             if max(doc.cats, key=doc.cats.get) != label]
    print("misclassified:", wrong)
    assert len(wrong) <= 3, wrong


def test_training_on_a_small_corpus_saves_a_loadable_pipeline(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    rows = [item for item in load_corpus() if item.lang == "en"]
    picked = [item for label in LABELS for item in [r for r in rows if r.label == label][:15]]
    (corpus / "en.jsonl").write_text("".join(json.dumps({"text": i.text, "label": i.label, "genre": i.genre}) + "\n"
                                             for i in picked))
    path = train(tmp_path / "share" / "model", corpus, stdout=io.StringIO())  # parents are made
    loaded = spacy.load(path)
    assert loaded.pipe_names[-1] == "textcat" and set(loaded.get_pipe("textcat").labels) == set(LABELS)
    assert loaded.meta["narcwatch"] == {"inputs_sha256": training_digest(corpus), "corpus_texts": len(picked)}
    assert not (tmp_path / "share" / "model.tmp").exists()
