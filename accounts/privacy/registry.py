"""Where each app declares what it holds about people, so accounts imports no other app (the
dependency rule, docs/architecture.md): an app's `privacy.py` module (found like admin.py) registers

- `@export_section("name")`: a function of the user returning JSON-ready data, written to
  `name.json` in the person's export;
- `@export_files`: a function of the user yielding `(path in the zip, stored file)` pairs;
- `@eraser`: a function `(user, names)` that erases or anonymises the app's rows about the person,
  `names` being the strings that identified them (erasure.identifying_strings), run inside the
  erasure's transaction before the account itself is anonymised;
- `@written_texts`: a function of the user returning the texts the person wrote that records
  elsewhere may quote whole (their discussion posts), collected before any eraser runs;
- `@final_eraser`: a function `(user, names, texts)` run last, after the account is anonymised,
  for a log that records the erasure's own writes and so quotes what they erase (the audit log,
  accounts/audit.py); `texts` are those the `written_texts` functions returned.

Payments: when a transaction model exists, its app registers a `transactions` section here (the
export's `transactions.json` says "no payments" until then) and an eraser for what may go.
"""

from collections.abc import Callable

from django.utils.module_loading import autodiscover_modules

EXPORT_SECTIONS: dict[str, Callable] = {}
EXPORT_FILES: list[Callable] = []
ERASERS: list[Callable] = []
WRITTEN_TEXTS: list[Callable] = []
FINAL_ERASERS: list[Callable] = []


def export_section(name: str):
    def register(function):
        EXPORT_SECTIONS[name] = function
        return function

    return register


def _collector(functions: list[Callable]) -> Callable:
    """A decorator that adds the function it decorates to `functions` and returns it unchanged."""

    def register(function):
        functions.append(function)
        return function

    return register


export_files = _collector(EXPORT_FILES)
eraser = _collector(ERASERS)
written_texts = _collector(WRITTEN_TEXTS)
final_eraser = _collector(FINAL_ERASERS)


def discover() -> None:
    """Import every installed app's privacy module (once; later calls find them imported)."""
    autodiscover_modules("privacy")
