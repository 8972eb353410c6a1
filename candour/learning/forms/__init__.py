"""Learning's GOV.UK forms, one module per journey: ``search``, ``sharing``."""
