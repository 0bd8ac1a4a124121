"""The one CSV writer of every export (the gradebook, `manage.py export_grades`, the API's CSV
renderer): a text cell that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab
or a carriage return) is written behind a single quote, as OWASP advises against CSV injection. A
student named `=HYPERLINK(...)` then reads as that text, never as a link that leaks the sheet.
Numbers are data and are written as they are."""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(_SafeWriter):
    def writeheader(self):
        return self.writerow({name: name for name in self._writer.fieldnames})

    def writerow(self, row):
        return self._writer.writerow({key: safe_cell(value) for key, value in row.items()})


def writer(stream) -> _SafeWriter:
    """csv.writer over `stream`, with every cell made safe."""
    return _SafeWriter(csv.writer(stream))


def dict_writer(stream, fieldnames) -> _SafeDictWriter:
    """csv.DictWriter over `stream` (keys outside `fieldnames` are ignored), every cell made safe."""
    return _SafeDictWriter(csv.DictWriter(stream, fieldnames=fieldnames, extrasaction="ignore"))
