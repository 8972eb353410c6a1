"""De-identification of UK social-care narratives (Presidio + spaCy, UK recognisers).

Importable without Django. Load one ``Deidentifier`` per process and reuse it::

    from candour.deidentify import Deidentifier, KnownEntity
    engine = Deidentifier(case_reference_patterns=[r"\\bNB-\\d{4}-\\d{5}\\b"])
    result = engine.deidentify(text, known=[KnownEntity("Kayden Walsh", "child")])
"""

from candour.deidentify.types import DatePolicy, Entity, EntityType, KnownEntity, Result


def __getattr__(name: str) -> object:
    # The engine pulls in spaCy and Presidio; import it only when asked for.
    if name == "Deidentifier":
        from candour.deidentify.engine import Deidentifier

        return Deidentifier
    raise AttributeError(name)


__all__ = ["DatePolicy", "Deidentifier", "Entity", "EntityType", "KnownEntity", "Result"]
