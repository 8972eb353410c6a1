"""Flags: child protection flags keyed on a UK national health identifier."""
