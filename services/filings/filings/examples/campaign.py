"""Valid example submissions of the campaign forms, keyed by form code."""

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {}
