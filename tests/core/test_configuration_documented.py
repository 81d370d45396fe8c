"""Every environment variable the project reads is documented in .env.example and README."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def variables_read() -> set[str]:
    settings = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r"env(?:_bool|_int|_list)?\(\s*\"([A-Z_]+)\"", settings))
    names |= set(re.findall(r"environ\.get\(\s*\"([A-Z_]+)\"", settings))
    names |= set(re.findall(r"\$\{([A-Z_]+)", (ROOT / "Procfile").read_text()))
    return names


def test_every_variable_is_in_env_example_and_readme():
    names = variables_read()
    assert {"SECRET_KEY", "DATABASE_URL", "PORT"} <= names
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    assert [n for n in sorted(names) if not re.search(rf"^{n}=", example, re.M)] == []
    assert [n for n in sorted(names) if f"`{n}`" not in readme] == []
