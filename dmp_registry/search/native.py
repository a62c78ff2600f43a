"""The embedded index's ranking function in C (native_rank.c: the page FTS5's bm25() gives, at half
its time on common words), loaded into this process's SQLite for every connection opened after
`install()`. Without it (not built, another SQLite, DMP_NATIVE_RANK=0) search ranks with bm25():
the same pages, slower."""
from __future__ import annotations

import ctypes
import logging
import os
import sqlite3
from pathlib import Path

log = logging.getLogger(__name__)

LIBRARY = Path(__file__).with_name("native_rank.so")
ABI = 4  # native_rank.c's ABI: a library built from another version of the source is not used

_installed: bool | None = None


def install() -> bool:
    """Register dmp_rank for the SQLite connections opened from now on (once per process); whether
    a new connection has it. Call before the first connection: one opened earlier lacks it."""
    global _installed
    if _installed is None:
        _installed = _install()
    return _installed


def available() -> bool:
    """Whether search ranks with dmp_rank (install() succeeded and DMP_NATIVE_RANK is not 0)."""
    return bool(_installed) and os.environ.get("DMP_NATIVE_RANK", "1") != "0"


def _install() -> bool:
    if not LIBRARY.exists():
        log.info("%s is not built (scripts/build-native.sh): search ranks with bm25()", LIBRARY.name)
        return False
    try:
        library = ctypes.CDLL(str(LIBRARY))
        abi = library.dmp_rank_abi()
        if abi != ABI:
            log.warning("%s is built from another version (ABI %s, not %s): run scripts/build-native.sh; "
                        "search ranks with bm25()", LIBRARY, abi, ABI)
            return False
        status = library.dmp_rank_install()
    except (OSError, AttributeError) as exc:
        log.warning("cannot load %s, search ranks with bm25(): %s", LIBRARY, exc)
        return False
    if status != 0 or not _works():
        # e.g. Python's sqlite3 linked with its own copy of SQLite, not the system's the library uses
        log.warning("dmp_rank did not reach this Python's SQLite connections: search ranks with bm25()")
        return False
    return True


def _works() -> bool:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE VIRTUAL TABLE t USING fts5(a)")
        connection.execute("INSERT INTO t VALUES ('word')")
        (score,) = connection.execute("SELECT dmp_rank(t, 1, 0, NULL, NULL) FROM t WHERE t MATCH 'word'").fetchone()
        return score < 0
    except sqlite3.Error:
        return False
    finally:
        connection.close()
