"""Logs of the app and the action server keep no NIK, card, account or phone numbers."""

from __future__ import annotations

import logging

from backend.domain.personal_data import mask_for_logs

# Sanic's access records carry the request line in an extra field of their own.
EXTRA_TEXT_FIELDS = ("request",)


class PersonalDataFilter(logging.Filter):
    """Rewrites each record's message, traceback and request line with `mask_for_logs`."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken format string: let logging report it
            return True
        record.msg, record.args = mask_for_logs(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_for_logs(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_for_logs(record.stack_info)
        for name in EXTRA_TEXT_FIELDS:
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, mask_for_logs(value))
        return True


def mask_personal_data_in_logs() -> None:
    """Put the filter on every handler of this process, the last-resort one included."""
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        found
        for found in logging.Logger.manager.loggerDict.values()
        if isinstance(found, logging.Logger)
    ]
    handlers = [handler for logger in loggers for handler in logger.handlers]
    if logging.lastResort is not None:
        handlers.append(logging.lastResort)
    for handler in handlers:
        if not any(isinstance(f, PersonalDataFilter) for f in handler.filters):
            handler.addFilter(PersonalDataFilter())
