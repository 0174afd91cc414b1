"""Text from data shown on a terminal: control characters as escapes, never acted on.

A title or a name holding ESC sequences could clear the screen, retitle the
window or hide lines; one holding bidirectional controls could show a line
in another order than it is. Both come out as visible escapes (`\\x1b`).
--json output needs none of this: JSON escapes control characters itself.
"""

from __future__ import annotations

import re

import click

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional controls.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown(text: str) -> str:
    """`text` with every character a terminal would act on written as an escape."""
    return _UNSAFE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def echo(line: str, err: bool = False) -> None:
    """A line of a human report that names data (files, names, labels), shown safe."""
    click.echo(shown(line), err=err)
