"""gunicorn's settings for peersnet (used by deploy/Procfile and deploy/systemd/peersnet-web.service).

    gunicorn peersnet.wsgi --config deploy/gunicorn.conf.py

Read by gunicorn at start; the environment tunes it without editing this file:

- ``GUNICORN_BIND``: where to listen (default ``127.0.0.1:$PORT``, ``PORT`` defaulting to 8000). Only the
  reverse proxy may reach it: Django trusts the proxy's ``X-Forwarded-Proto``, so bind to loopback when
  the proxy is on the same host, or to a private address that only the proxy can reach.
- ``WEB_CONCURRENCY``: worker processes (default 4; about 2 × cores). Each holds one PostgreSQL
  connection for up to ``CONN_MAX_AGE`` seconds: see README "Scaling out".
- ``GUNICORN_MAX_REQUESTS``: recycle each worker after about this many requests (default 1000; 0 never).
- ``FORWARDED_ALLOW_IPS``: the proxy addresses whose ``X-Forwarded-*`` headers gunicorn believes
  (default loopback).
"""

import os

bind = os.environ.get("GUNICORN_BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "sync"

# A request that takes longer than this is killed. Every wait inside a request has its own, shorter limit
# (PostgreSQL lock and statement timeouts, Stripe, the cache, SMTP): README "Operations", "Timeouts".
timeout = 30
# On SIGTERM (a deploy, systemctl stop), requests in flight get this long to finish.
graceful_timeout = 30
keepalive = 5
# Recycle each worker after about a thousand requests (jitter: not all at once) to cap slow memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = max_requests // 10

# The access log stays off: gift claim links carry a secret in their path. The proxy logs requests
# (without /gift/ paths, see deploy/nginx.conf); Django logs errors through its scrubbing filter.
accesslog = None
errorlog = "-"
loglevel = "info"

forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Workers' heartbeat files in memory, not on a disk that may stall (gunicorn's advice; only gunicorn's
# own empty files go there).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
proc_name = "peersnet-web"
