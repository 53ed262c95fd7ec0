"""Refresh state of the topics stage: per subclass, the fingerprint of the input last computed.

Kept in topics.subclass_state, so that a refresh whose input is unchanged skips the subclass and a
small change extends the stored clustering (see defs/topics/assets.py). The patent network keeps its
own beside its files (network.py).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

_SELECT = """
SELECT fingerprint, settings_fingerprint, families, clustered_families, mode, note, computed_at
FROM topics.subclass_state WHERE subclass_key = ? AND stage = ?
"""


@dataclass(frozen=True)
class State:
    """A row of topics.subclass_state."""

    fingerprint: str
    settings_fingerprint: str | None
    families: int
    clustered_families: int
    mode: str
    note: str
    computed_at: datetime


def read_state(conn, key: str, stage: str) -> State | None:
    row = conn.execute(_SELECT, [key, stage]).fetchone()
    return State(*row) if row else None


def write_state(conn, key: str, stage: str, state: State) -> None:
    conn.execute("DELETE FROM topics.subclass_state WHERE subclass_key = ? AND stage = ?", [key, stage])
    conn.execute(
        "INSERT INTO topics.subclass_state (subclass_key, stage, fingerprint, settings_fingerprint, families,"
        " clustered_families, mode, note, computed_at, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [key, stage, state.fingerprint, state.settings_fingerprint, state.families, state.clustered_families,
         state.mode, state.note, state.computed_at, state.computed_at],
    )


def mark_unchanged(conn, key: str, stage: str) -> None:
    conn.execute(
        "UPDATE topics.subclass_state SET mode = 'unchanged', checked_at = ? WHERE subclass_key = ? AND stage = ?",
        [datetime.now(UTC).replace(tzinfo=None), key, stage],
    )


def when(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"
