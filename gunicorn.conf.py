"""Gunicorn settings for Trialportal: `gunicorn` (run from this directory) reads them.

Every value can be changed with an environment variable, so one file serves a small
server and a bigger one. The README's "Production" section explains the choices.
"""

import multiprocessing
import os


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


wsgi_app = "trialportal.wsgi:application"
# Behind the TLS proxy on the same host by default; GUNICORN_BIND=0.0.0.0:8000 in a
# container or when the proxy is elsewhere.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Processes, each with a few threads: pages spend much of their time waiting for the
# database, which threads overlap. Each thread holds its own database connection
# (DATABASE_CONN_MAX_AGE), so app hosts x workers x threads must stay below PostgreSQL's
# max_connections.
workers = env_int("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "gthread"
threads = env_int("GUNICORN_THREADS", 4)

# A request still running after `timeout` seconds gets its worker restarted. The
# database gives up sooner (DATABASE_STATEMENT_TIMEOUT, 15 s), so a slow query becomes
# a "try again" page rather than a killed worker.
timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = env_int("GUNICORN_KEEPALIVE", 5)

# Restart each worker after about ten thousand requests (at different moments, thanks to
# the jitter), so a slow leak never grows and workers never all restart at once. Not
# sooner: a new worker spends a second or more of CPU loading Django and fills its caches
# again, which after every thousand requests cost more than serving a cached page.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 10000)
max_requests_jitter = env_int("GUNICORN_MAX_REQUESTS_JITTER", 1000)

# X-Forwarded-Proto (is this HTTPS?) is believed only from these proxies: the same
# list Django uses for X-Forwarded-For. Nobody by default; 127.0.0.1 for a proxy on
# this host. Never "*" unless nothing but the proxy can reach gunicorn.
forwarded_allow_ips = os.environ.get("TRIALPORTAL_TRUSTED_PROXIES", "")

# Django writes one JSON access line per request (with its request id, without query
# strings or addresses: trialportal.access), so gunicorn's own access log stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "trialportal.logs.JSONFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": loglevel.upper(), "propagate": False}
    },
}
