from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, str], key: str) -> str:
    return mapping.get(key, "")
