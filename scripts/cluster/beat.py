"""Celery beat that runs once in the cluster: it holds a Redis lock while beat runs.

Start one on each of two nodes: the first takes the lock (``SET NX PX``) and starts ``celery beat``;
the second waits. The holder renews the lock every few seconds; if its node dies the lock expires
after ``--ttl`` seconds and the waiting one takes over. A holder that loses the lock (Redis restarted
and another node took it) stops its beat at once, so two beats never run together for longer than one
renewal period. Schedules are django-celery-beat rows in the database, shared by both.

    python scripts/cluster/beat.py --node a --schedule var/cluster/run/celerybeat-a
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import redis

LOCK = "guanqi:beat-lock"
# Renew the lock only if we still hold it (compare-and-set in one step).
RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", required=True)
    parser.add_argument("--schedule", required=True)
    parser.add_argument("--ttl", type=float, default=15.0, help="seconds before a dead holder's lock expires")
    args = parser.parse_args()
    client = redis.Redis.from_url(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), socket_timeout=5)
    token = f"{args.node}:{uuid.uuid4()}"
    ttl_ms = int(args.ttl * 1000)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    beat: subprocess.Popen | None = None
    celery = str(Path(sys.executable).with_name("celery"))
    while not stopping:
        try:
            if beat is None:
                if client.set(LOCK, token, nx=True, px=ttl_ms):
                    print(f"beat {args.node}: took the lock, starting celery beat", flush=True)
                    beat = subprocess.Popen(
                        [celery, "-A", "portal", "beat", "--loglevel", "INFO", "--schedule", args.schedule]
                    )
            elif not client.eval(RENEW, 1, LOCK, token, ttl_ms):
                print(f"beat {args.node}: lost the lock, stopping celery beat", flush=True)
                beat.terminate()
                beat.wait()
                beat = None
            elif beat.poll() is not None:
                print(f"beat {args.node}: celery beat exited ({beat.returncode}), releasing", flush=True)
                client.eval(RELEASE, 1, LOCK, token)
                beat = None
        except redis.RedisError as exc:  # keep beat running through a short Redis outage
            print(f"beat {args.node}: Redis: {exc}", flush=True)
        time.sleep(args.ttl / 3)
    if beat is not None:
        beat.terminate()
        beat.wait()
        client.eval(RELEASE, 1, LOCK, token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
