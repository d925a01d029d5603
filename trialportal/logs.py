"""Structured logs: one JSON object per line, each carrying the id of the request it
belongs to, so one request can be followed across lines and app servers.

Nothing personal goes in: no query strings (a family's search), no usernames, no
addresses. Audit events (logger `trialportal.audit`) pass their facts as `extra`
(event, user_id, object_type, object_id ...), which become keys of the object.
"""

import contextvars
import datetime
import json
import logging

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# Attributes every LogRecord has; anything else on a record came from `extra`.
_STANDARD_ATTRIBUTES = frozenset(
    vars(logging.LogRecord("", 0, "", 0, "", (), None)).keys()
    | {"message", "asctime", "request_id", "taskName"}
)
# Extras that are objects, not facts: Django's request loggers pass the request (whose
# user, cookies and query string must not be logged) and the server's socket.
_DROPPED_EXTRAS = frozenset({"request", "server_time", "socket"})


class RequestIDFilter(logging.Filter):
    """Adds `request_id` to every record: the id of the request being handled, or "-"."""

    def filter(self, record):
        record.request_id = request_id_var.get()
        return True


def _json_value(value):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _json_value(item) for key, item in value.items()}
    return str(value)


class JSONFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", request_id_var.get()),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and name not in _DROPPED_EXTRAS:
                entry.setdefault(name, _json_value(value))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False)
