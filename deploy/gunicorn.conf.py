"""gunicorn settings for production (docs/deploy.md): `gunicorn -c deploy/gunicorn.conf.py`.

Every value can still be given on the command line or in the environment (WEB_CONCURRENCY,
HOST, PORT)."""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
wsgi_app = "config.wsgi:application"
# Doorstep writes its own request line (doorstep.request: request id, route template, status,
# duration, queries); gunicorn's access log would repeat it with the raw path.
accesslog = None
errorlog = "-"
# Longer than the load balancer's idle timeout, so the balancer closes idle connections first.
keepalive = 75
timeout = 30
graceful_timeout = 30
control_socket_disable = True


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, a finished worker's files are marked dead so its live
    gauges stop counting (its counters and histograms are kept and still added up)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
