"""Learning's writes, one module per use case: ``index`` (the search copy of released
reports), ``sharing`` (national pooling), ``saved_searches``, ``discovery`` (finding error
traps and similar reports), ``traps`` (analysts' decisions about traps), ``double_coding``."""
