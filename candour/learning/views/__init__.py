"""Learning's pages, one module per journey: ``search``, ``saved``, ``sharing``."""
