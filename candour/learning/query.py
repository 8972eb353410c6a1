"""What a person types into search, read the same way on SQLite and PostgreSQL.

Nothing typed is ever passed to a database's own query syntax: FTS5 reads ``NEAR``, ``*``,
``AND`` and brackets as operators and fails on an unbalanced quote, and PostgreSQL's
``to_tsquery`` fails on most punctuation. Instead the text is read here into a small,
safe grammar (words, "quoted phrases", ``OR`` between two terms, ``-word`` to leave out),
the same as GOV.UK's and most web search boxes, and each backend builds its query from the
terms: every term a quoted string of letters and digits only (ADR 0019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARACTERS = 1000
MAX_TERMS = 30

# A quoted phrase (optionally negated) or any run of non-space characters.
_TOKEN = re.compile(r'(-?)"([^"]*)"|(\S+)')
# Letters and digits in any script; everything else (punctuation, emoji, operators'
# symbols) separates words and is never passed on.
_WORD = re.compile(r"[^\W_]+")


class QueryError(ValueError):
    """The text cannot be searched for; the message says what to change."""


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # one word, or a phrase's words in order

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True)
class Query:
    """All of ``clauses`` (each: any one of its terms), and none of ``excluded``."""

    clauses: tuple[tuple[Term, ...], ...]
    excluded: tuple[Term, ...]

    @property
    def words(self) -> frozenset[str]:
        return frozenset(w.lower() for clause in self.clauses for t in clause for w in t.words)


def _term(text: str) -> Term | None:
    words = tuple(_WORD.findall(text))
    return Term(words) if words else None


def parse(text: str) -> Query | None:
    """The query, or None for an empty search (filters only); QueryError if it cannot run."""
    if len(text) > MAX_CHARACTERS:
        raise QueryError(f"Search terms must be {MAX_CHARACTERS:,} characters or fewer")
    clauses: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    for match in _TOKEN.finditer(text):
        negated_phrase, phrase, bare = match.groups()
        if bare == "OR":
            join_next = bool(clauses)
            continue
        negated = bool(negated_phrase) or (bare is not None and bare.startswith("-"))
        term = _term(phrase if phrase is not None else bare.lstrip("-"))
        if term is None:
            continue
        if negated:
            excluded.append(term)
        elif join_next:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    if len(excluded) + sum(len(clause) for clause in clauses) > MAX_TERMS:
        raise QueryError(f"Search for {MAX_TERMS} words or phrases or fewer")
    if not clauses:
        if excluded:
            raise QueryError("Enter a word to search for, not only words to leave out")
        if text.strip():
            raise QueryError("Enter a word to search for: letters or numbers")
        return None
    return Query(tuple(tuple(clause) for clause in clauses), tuple(excluded))


def fts5(query: Query) -> str:
    """An SQLite FTS5 MATCH expression: every term a quoted string, so none is an operator."""

    def quoted(term: Term) -> str:
        return '"' + " ".join(term.words) + '"'  # words hold no quote: letters and digits

    included = " AND ".join(
        "(" + " OR ".join(quoted(term) for term in clause) + ")" for clause in query.clauses
    )
    if not query.excluded:
        return included
    return f"({included}) NOT (" + " OR ".join(quoted(t) for t in query.excluded) + ")"
