"""Who reports, and the code lists of the FIU that receives the report (`config/reporting.yaml`).

The reporting entity and its codes belong to the deployment, not the code: each FIU runs its own goAML code lists,
so every code an export writes comes from here, checked for shape by pydantic and for meaning by the FIU's schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

DEFAULT_PATH = Path("config/reporting.yaml")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Producer(_Strict):
    name: str = Field(min_length=1, max_length=255)
    contact: str | None = None


class Person(_Strict):
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    occupation: str | None = Field(None, max_length=255)
    email: str | None = Field(None, max_length=255)


class Address(_Strict):
    address_type: str = Field("1", min_length=1)
    address: str = Field(min_length=1, max_length=100)
    city: str = Field(min_length=1, max_length=255)
    zip: str | None = Field(None, max_length=10)
    country_code: str = Field(min_length=1, max_length=3)


class Significance(_Strict):
    wallet: int = Field(8, ge=0, le=10)
    iban: int = Field(8, ge=0, le=10)
    person: int = Field(7, ge=0, le=10)


class CryptoAccount(_Strict):
    institution_code: str = Field("VASP-UNKNOWN", min_length=1, max_length=50)
    account_type: str = "-"
    currency_code: str = "XXX"
    currency_codes: dict[str, str] = Field(default_factory=dict)

    def currency(self, ticker: str | None) -> str:
        return self.currency_codes.get((ticker or "").upper(), self.currency_code)


class BankAccount(_Strict):
    institution_name: str = Field("Bank not identified (from the IBAN)", min_length=1, max_length=255)
    institution_code: str = Field("UNKNOWN", min_length=1, max_length=50)
    account_type: str = "-"


class GoAML(_Strict):
    schema_: Path | None = Field(None, alias="schema")
    rentity_id: int = Field(ge=1)
    rentity_branch: str = Field(min_length=1, max_length=255)
    submission_code: Literal["E", "M"] = "E"
    report_code: str = Field("AIF", min_length=1)
    entity_reference_prefix: str = Field("NW", max_length=40)
    currency_code_local: str = Field(min_length=3, max_length=3)
    reporting_person: Person
    location: Address
    reason: str | None = Field(None, max_length=4000)
    action: str | None = Field(None, max_length=4000)
    indicators: list[str] = Field(min_length=1)
    significance: Significance = Field(default_factory=Significance)
    crypto_account: CryptoAccount = Field(default_factory=CryptoAccount)
    bank_account: BankAccount = Field(default_factory=BankAccount)
    unknown_name: str = Field("Unknown", min_length=1, max_length=100)


class Stix(_Strict):
    producer_class: Literal["individual", "group", "system", "organization", "class", "unknown"] = "organization"


class Misp(_Strict):
    distribution: int = Field(0, ge=0, le=3)
    threat_level_id: int = Field(2, ge=1, le=4)
    analysis: int = Field(1, ge=0, le=2)


class Reporting(_Strict):
    producer: Producer
    goaml: GoAML
    stix: Stix = Field(default_factory=Stix)
    misp: Misp = Field(default_factory=Misp)


class ReportingError(ValueError):
    """The reporting configuration cannot be used; the message names the file and the field."""


def load_reporting(path: Path = DEFAULT_PATH) -> Reporting:
    """The reporting configuration, validated; a relative `goaml.schema` is read from beside the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportingError(f"cannot read the reporting configuration {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ReportingError(f"{path} is not valid YAML: {exc}") from None
    try:
        config = Reporting.model_validate(raw or {})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'the whole file'}: {e['msg']}"
                             for e in exc.errors())
        raise ReportingError(f"{path}: {problems}") from None
    if config.goaml.schema_ is not None and not config.goaml.schema_.is_absolute():
        config.goaml.schema_ = path.parent / config.goaml.schema_
    return config
