"""Narration text: `{name}` placeholders and sentence splitting."""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}|\{|\}")

# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "st", "e.g", "i.e", "etc", "vs", "prof", "no"}
_SENTENCE_END = re.compile(r"([.!?…]+)([\"'”’)\]]*)(\s+)")


def placeholder_problems(template: str) -> list[tuple[int, str]]:
    """(0-based offset, message) for every malformed brace; names are not checked here."""
    problems = []
    for match in _PLACEHOLDER.finditer(template):
        token = match.group(0)
        if token in ("{", "}"):
            problems.append(
                (match.start(), f"a lone '{token}'; write '{token * 2}' for a literal brace, "
                 "or {name} for a variable")
            )
    return problems


def placeholder_names(template: str) -> list[tuple[int, str]]:
    """(0-based offset, name) of every `{name}` in the template."""
    return [(m.start(), m.group(1)) for m in _PLACEHOLDER.finditer(template) if m.group(1)]


def substitute(template: str, variables: Mapping[str, str]) -> str:
    """Fill `{name}` from `variables`, turn `{{`/`}}` into braces. KeyError on an unknown name."""

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        if match.group(1):
            return variables[match.group(1)]
        return token

    return _PLACEHOLDER.sub(replace, template)


def split_sentences(paragraph: str) -> list[str]:
    """Split narration into sentences at `.`, `!`, `?` or `…` followed by white space.

    A full stop after a known abbreviation (Dr., e.g.) or a single capital
    letter (an initial) does not end a sentence. Text with no ending
    punctuation is one sentence.
    """
    text = " ".join(paragraph.split())
    sentences: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end(2)
        if match.group(1) == ".":
            word = text[start:match.start(1)].rsplit(" ", 1)[-1].lower()
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
        sentence = text[start:end].strip()
        if sentence:
            sentences.append(sentence)
        start = match.end(3)
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences
