from django import template

from trials.rich_text import render_rich_text

register = template.Library()


@register.filter(name="rich_text")
def rich_text(value):
    """{{ trial.goal|rich_text }}: sanitized HTML, safe to show."""
    return render_rich_text(value or "")
