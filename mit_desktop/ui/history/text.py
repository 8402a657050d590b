"""Translated names and date formats shared by the history screens and the report.

Everything here goes through Qt's translation system (context ``History``);
the core returns ids and dates, the UI turns them into words.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, QLocale

from mit_desktop.history.store import HistoryStore

CONTEXT = "History"


def tr(text: str) -> str:
    """Translate ``text`` in the ``History`` context."""
    return QCoreApplication.translate(CONTEXT, text)


def module_name(module_id: str | None) -> str:
    """The MIT module's name for people (its id if unknown; "Other" for None)."""
    names = {
        "stretch-breathe": tr("Stretching and Breathing"),
        "eye-center": tr("Eye in the Center"),
        "nesting-doll": tr("Nesting Doll"),
        "situation-solver": tr("Situation Solver"),
        "life-globe": tr("Life Globe"),
        "bam": tr("BAM quick practice"),
    }
    if module_id is None:
        return tr("Other")
    return names.get(module_id, module_id)


def emotion_name(emotion: str | None) -> str:
    """A body-map feeling for people: the study's words translated, own words as written."""
    names = {
        "neutral": tr("Neutral"), "fear": tr("Fear"), "anger": tr("Anger"),
        "disgust": tr("Disgust"), "sadness": tr("Sadness"), "happiness": tr("Happiness"),
        "surprise": tr("Surprise"), "anxiety": tr("Anxiety"), "love": tr("Love"),
        "depression": tr("Depression"), "contempt": tr("Contempt"), "pride": tr("Pride"),
        "shame": tr("Shame"), "jealousy": tr("Jealousy"),
    }
    if not emotion:
        return tr("no feeling named")
    return names.get(emotion, emotion)


def qdate(day: dt.date) -> QDate:
    """``datetime.date`` → ``QDate``."""
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> dt.date:
    """``QDate`` → ``datetime.date``."""
    return dt.date(day.year(), day.month(), day.day())


def long_date(day: dt.date) -> str:
    """E.g. "Tuesday 3 March 2026" in the user's language."""
    return QLocale().toString(qdate(day), QLocale.FormatType.LongFormat)


def short_date(day: dt.date) -> str:
    """E.g. "3 Mar 2026" (day, short month, year) in the user's language."""
    return QLocale().toString(qdate(day), "d MMM yyyy")


def minutes_text(listened_ms: int) -> str:
    """Listened time in whole minutes, e.g. "23 minutes" (rounded; "1 minute")."""
    minutes = round(listened_ms / 60_000)
    return tr("1 minute") if minutes == 1 else tr("{minutes} minutes").format(minutes=minutes)


def store_now(store: HistoryStore) -> dt.datetime:
    """The store's clock as an aware local time (the store's zone, else the computer's)."""
    moment = dt.datetime.fromtimestamp(store.clock() / 1000, dt.UTC)
    return moment.astimezone(store.tz) if store.tz is not None else moment.astimezone()
