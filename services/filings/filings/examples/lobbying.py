"""Valid example submissions of the lobbying forms, keyed by form code."""

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {}
