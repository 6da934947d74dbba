"""gunicorn settings for PassResOT66 (see DEPLOY.md): `gunicorn -c deploy/gunicorn.conf.py app:app`.

Everything a host may change comes from the environment, so one file serves every server:
  GUNICORN_BIND     where to listen (default 127.0.0.1:8000: only the local proxy reaches it)
  WEB_CONCURRENCY   number of worker processes (default 2 × CPU cores + 1)
  GUNICORN_TIMEOUT  seconds a worker may spend on one request before it is restarted (default 60)
  FORWARDED_ALLOW_IPS  the proxy whose X-Forwarded-Proto gunicorn trusts (default 127.0.0.1)

Workers share nothing in memory: sessions are signed cookies, rate limits live in the database (or
Redis), pass-signing keys are files read afresh. Any number of workers or hosts gives the same answers.
"""
import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"  # each request holds one database connection; nginx buffers slow clients
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # the largest exports take a few seconds
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 5  # nginx keeps its upstream connections open this long

# Restart each worker after a while, so that a slow leak in a library never grows without bound.
max_requests = 2000
max_requests_jitter = 200

# No access log: the app writes one JSON line per request without query strings or secrets
# (passresot/requestlog.py). gunicorn's own messages (start, worker restarts, timeouts) go to stderr.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")

# Trust X-Forwarded-Proto only from the local reverse proxy. The app itself reads
# X-Forwarded-For/-Proto/-Host through ProxyFix when TRUST_PROXY=1 (passresot/security.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Heartbeat files on a RAM disk where there is one: a worker never stalls on a slow disk.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
proc_name = "passresot"
# gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl) is not used here; two instances on one
# host would share its path, and the systemd unit keeps the home directory read-only.
control_socket_disable = True
