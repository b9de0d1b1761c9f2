"""An SMTP server that keeps every message it receives as a file, for `make prod-smoke` and manual checks
of the production stack (aiosmtpd, PyPI). Nothing is relayed anywhere.

    python tools/smtp_sink.py --port 8025 --dir var/prod-smoke/mail

Point the site at it with ``EMAIL_URL=smtp://127.0.0.1:8025``. Each message is written whole as
``<time>-<n>.eml`` (first to a ``.tmp`` name, then renamed, so a reader never sees half a message).
Stops on SIGTERM or Ctrl-C.
"""

import argparse
import itertools
import signal
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToFolder:
    """aiosmtpd handler: one .eml file per message, in arrival order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope) -> str:
        name = f"{time.time_ns()}-{next(self.counter):04d}.eml"
        partial = self.folder / f"{name}.tmp"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.folder / name)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mail-sink"))
    args = parser.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)

    controller = Controller(SaveToFolder(args.dir), hostname=args.host, port=args.port)
    controller.start()
    print(f"SMTP sink on {args.host}:{args.port}, saving to {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
