import pytest

from candour.deidentify.engine import Deidentifier, shared_engine

CASE_PATTERN = r"\bNB-\d{4}-\d{5}\b"


@pytest.fixture(scope="session")
def engine() -> Deidentifier:
    return shared_engine((CASE_PATTERN,))


@pytest.fixture(scope="session")
def redact(engine):
    """Return the redacted text of a snippet."""

    def run(text: str, **kwargs) -> str:
        return engine.deidentify(text, **kwargs).text

    return run
