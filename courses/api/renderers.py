import io
import json

from rest_framework.renderers import BaseRenderer

from ..csv_writer import dict_writer


class CSVRenderer(BaseRenderer):
    """A list of flat objects as CSV, one column per key (?format=csv). An error renders as a
    one-row table of its status, code and message; any other object as key,value rows. Cells go
    through `courses.csv_writer`, so a title cannot become a formula."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and isinstance(data.get("error"), dict):
            rows = [{key: data["error"].get(key, "") for key in ("status", "code", "message")}]
        elif isinstance(data, dict):
            rows = [{"key": key, "value": json.dumps(value)} for key, value in data.items()]
        else:
            rows = [row if isinstance(row, dict) else {"value": row} for row in data or []]
        out = io.StringIO()
        if rows:
            writer = dict_writer(out, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        return out.getvalue().encode(self.charset)
