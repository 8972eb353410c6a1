"""Learning's permission-applying reads: ``pool`` (which released reports a user may see,
and how their authority is named), ``search``, ``saved_searches``, ``similar``, ``traps``,
``double_coding``."""
