"""Three-way merge of a stale edit: what the editor started from (base), what was saved meanwhile
(theirs) and what the editor sent (mine), field by field, for the fields of one form.

- mine == theirs: nothing to do;
- mine == base: only the other person changed it → take theirs;
- theirs == base: only I changed it → keep mine;
- otherwise a real conflict: the editor chooses (mine is preselected).
The base is rebuilt from the change history, which stores every version's field changes."""
from __future__ import annotations

from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from . import forms


@dataclass
class Conflict:
    field: forms.Field
    theirs: MultiDict  # the saved values, in form shape, to show beside the editor's


def snapshot_at(history, version: int | None) -> dict | None:
    """The stored form of a record at `version`, from its history rows (None when unknown)."""
    if not version:
        return None
    snapshot, found = {}, False
    for row in history:
        if row.version is None or row.version > version:
            break
        for field, (_old, new) in (row.changes or {}).items():
            snapshot[field] = new
        found = found or row.version == version
    return snapshot if found else None


def merge_conflict(fields, mine: MultiDict, current, current_snapshot: dict, history, base_version):
    """(values to show, real conflicts, names of fields taken from the saved version)."""
    theirs = forms.to_form(fields, current_snapshot)
    base_snapshot = snapshot_at(history, base_version)
    base = forms.to_form(fields, base_snapshot) if base_snapshot is not None else None
    values = mine.copy()
    for key in [k for k in values.keys() if k.startswith("resolve.")]:
        values.poplist(key)
    conflicts, merged = [], []
    for field in fields:
        m, t = forms.comparable(field, mine), forms.comparable(field, theirs)
        if m == t:
            continue
        b = forms.comparable(field, base) if base is not None else None
        if b is not None and m == b:
            forms.copy_field(field, theirs, values)
            merged.append(field)
        elif b is not None and t == b:
            continue
        else:
            conflicts.append(Conflict(field, theirs))
    values["version"] = str(current.version)
    return values, conflicts, merged
