"""A new session script from a template: one MIT module's structure with its safety lines in
place, for a therapist to fill with their own words. Qt-free.

The template is made from the bundled session of that module (``audio/sessions/*``, read,
never changed): its front matter (module, language, voice, rate, variables and safety note;
a new id, title and summary), every heading, bell, pause, ambience and reflection line as
written, and of the narration only the sentences that keep the listener safe and able to
answer: grounding and exit lines (:func:`mit_desktop.session.strict.is_grounding`), the
invitations to close and open the eyes, and the spoken questions before reflections. Where
the module's own words were, a comment (``// Write here …``) says what to write. The result
parses, and passes the strict text checks the bundled session passes.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from mit_desktop import paths
from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Clip, Heading, Paragraph, Session
from mit_desktop.session.parser import parse_session, parse_text
from mit_desktop.session.strict import is_grounding
from mit_desktop.session.text import split_sentences
from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

_EYES = re.compile(r"\b(close your eyes|let your eyes close|open your eyes|let your eyes open|"
                   r"eyes open|eyes closed)\b", re.I)
_DROPPED_KEYS = re.compile(r"^(id|title|summary|minutes)\s*=.*\n", re.M)
_ID = re.compile(r"[^a-z0-9]+")


class TemplateError(Exception):
    """No template could be made; the message says why in plain words."""


def template_modules() -> tuple[str, ...]:
    """The modules a template can be made from (program order)."""
    return PROGRAM_MODULE_IDS


def _bundled_session(module: str) -> Session:
    if module not in PROGRAM_MODULE_IDS:
        raise TemplateError(f"There is no MIT module called '{module[:40]}'. Choose one of: "
                            f"{', '.join(PROGRAM_MODULE_IDS)}.")
    for path in sorted(paths.sessions_dir().glob("*.session.md")):
        try:
            session = parse_session(path)
        except SessionError:
            continue
        if session.module == module:
            return session
    raise TemplateError(f"The practice for '{module}' is missing from this installation; "
                        "reinstall MIT Desktop.")


def _keeps(sentence: str) -> bool:
    """Whether a narration sentence is kept in the template (safety, eyes, a question)."""
    return is_grounding(sentence) or bool(_EYES.search(sentence)) or \
        sentence.rstrip().endswith("?")


def session_id_for(out: Path) -> str:
    """A session id from the output file's name (``my-talk.session.md`` → ``my-talk``)."""
    stem = Path(out).name.removesuffix(".session.md").removesuffix(".md")
    return _ID.sub("-", stem.lower()).strip("-")[:60].strip("-") or "my-session"


def template_text(module: str, session_id: str, title: str | None = None) -> str:
    """The text of a new script with ``module``'s structure and safety lines; id
    ``session_id``, title ``title`` (default: "My <module title>")."""
    bundled = _bundled_session(module)
    source = bundled.path.read_text(encoding="utf-8").removeprefix("\ufeff")
    lines = source.split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    head = "\n".join(lines[1:end]) + "\n"
    head = _DROPPED_KEYS.sub("", head)
    title = title or f"My {bundled.title}"
    out = ["+++", f'id = "{session_id}"', f"title = {json.dumps(title, ensure_ascii=False)}",
           f"summary = {json.dumps(f'My own words, in the structure of {bundled.title}.')}",
           head.rstrip("\n"), "+++", "",
           f"// Made from the template of {bundled.title}. Headings, bells, pauses and",
           "// reflections are in place, with the lines that keep the listener safe",
           "// (grounding, opening the eyes, being able to stop) and the questions spoken",
           "// before each reflection. Write your own words where it says so; check with",
           "// mit-desktop validate --strict.", ""]
    section = bundled.title
    asked = False
    for cue in bundled.cues:
        if isinstance(cue, Heading):
            section, asked = cue.title, False
            out += [lines[cue.line - 1].strip(), ""]
        elif isinstance(cue, Paragraph):
            kept = [s for s in split_sentences(cue.text) if _keeps(s)]
            if len(kept) < len(split_sentences(cue.text)) and not asked:
                out += [f"// Write here what the listener hears in \"{section}\".", ""]
                asked = True
            if kept:
                out += [" ".join(kept), ""]
        elif isinstance(cue, Clip):
            continue
        else:  # bells, pauses, ambience, reflections, voice and pace: as the module has them
            out += [lines[cue.line - 1].strip(), ""]
    text = "\n".join(out).rstrip("\n") + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def write_template(module: str, out: Path, title: str | None = None) -> Session:
    """Write a new script from ``module``'s template to ``out`` (a ``.session.md`` that must
    not exist yet), atomically; return it parsed. TemplateError says why it could not."""
    from mit_desktop.fsutil import atomic_writer, os_error_message

    out = Path(out)
    if not out.name.endswith(".session.md"):
        raise TemplateError(f"The file name must end in .session.md (got {out.name}).")
    if out.exists():
        raise TemplateError(f"{out} already exists; choose another name so nothing is lost.")
    text = template_text(module, session_id_for(out), title)
    try:
        session = parse_text(text, out)
    except SessionError as exc:  # a fault of ours, not the user's
        raise TemplateError(f"The template could not be made: {exc}") from None
    try:
        with atomic_writer(out, 0o600) as handle:
            handle.write(text.encode("utf-8"))
    except OSError as exc:
        raise TemplateError(f"The new practice could not be saved: {os_error_message(exc)}") \
            from None
    return session
