from django import template

from candour.audit import vocabulary

register = template.Library()


@register.filter
def lookup(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")


@register.filter
def action_description(action: str) -> str:
    """What an action code means, in plain English (the code itself if it has no entry)."""
    return vocabulary.describe(action)
