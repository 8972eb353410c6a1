"""Learning's tables, one module per use case (ADR 0013): ``search`` (national sharing, the
search copy of released reports, saved searches), ``traps`` (error traps and their
discovery runs), ``double_coding`` (blind second codings and their reconciliation).
Imported here so Django registers them; callers import the use-case module."""

from candour.learning.models import double_coding, search, traps  # noqa: F401
