"""Who an annotator name stands for.

`merge` keeps another machine's conflicting version of alice's work as
`alice@OTHER` (`alice@OTHER-2`, ... for more): one person, several versions.
The person is the name before the first `@`; a vote counts a person once,
and a version that is the same work as one of that person's is not stored
again.
"""

from __future__ import annotations


def person(name: str) -> str:
    """The person behind an annotator name: `alice@laptop` is alice."""
    return name.split("@", 1)[0]
