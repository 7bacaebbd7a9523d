"""The API's JSON parser: a body too deeply nested for Python's parser (``[[[[...]]]]`` a thousand levels
deep raises RecursionError) or nested deeper than any request of ours needs is a 400, never a 500."""

from __future__ import annotations

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def _depth(value, limit: int) -> int:
    """Nesting depth of a parsed JSON value, iteratively (no recursion), stopping past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        except (ValueError, TypeError) as exc:
            raise ParseError(f"JSON parse error - {exc}") from None
        if _depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError("JSON parse error - the body is nested too deeply.")
        return data


__all__ = ["SafeJSONParser"]
