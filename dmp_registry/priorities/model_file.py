"""The scoring model as data: read the versioned YAML file, check an edited model against its shape."""
from __future__ import annotations

from pathlib import Path

import yaml

MODEL_FILE = Path(__file__).resolve().parents[2] / "mappings" / "priorities" / "scoring-model.yaml"


def read_model_file(path: Path = MODEL_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: the scoring model must be a YAML mapping")
    data.pop("version", None)
    return _plain_keys(data)


def _plain_keys(node):
    """YAML keys such as `0:` come as ints; JSON columns store text keys: use text everywhere."""
    if isinstance(node, dict):
        return {str(k): _plain_keys(v) for k, v in node.items()}
    return node


def validate_model(new: dict, base: dict, path: str = "") -> dict[str, list[str]]:
    """Per-field errors of `new` when it has not exactly the shape of `base` or a value is out of range."""
    errors: dict[str, list[str]] = {}
    if not isinstance(new, dict):
        return {path or "weights": ["Must be an object."]}
    for key in set(base) | set(new):
        where = f"{path}.{key}" if path else key
        if key not in new:
            errors[where] = ["Missing."]
        elif key not in base:
            errors[where] = ["Unknown field."]
        elif isinstance(base[key], dict):
            errors.update(validate_model(new[key], base[key], where))
        else:
            message = _check_number(where, new[key])
            if message:
                errors[where] = [message]
    if not path and not errors:
        bands = new["bands"]
        if not 100 >= bands["critical"] > bands["high"] > bands["medium"] > 0:
            errors["bands"] = ["Need 100 ≥ critical > high > medium > 0."]
    return errors


def _check_number(where: str, value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        return "Must be a number."
    if value < 0:
        return "Must not be negative."
    if where.endswith("_floor") or where.startswith("tables.") and not where.endswith("_days"):
        if value > 1:
            return "Must be between 0 and 1."
    elif value > 10_000:
        return "Must be at most 10000."
    elif where.endswith("_days") and value < 1:  # divisors of the scoring functions
        return "Must be at least 1."
    return None
