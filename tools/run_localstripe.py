"""Start localstripe (a fake Stripe server, GPL) as a process of its own, for development and tests.

peersnet never imports localstripe: this launcher runs in its own process and the app talks to it
over HTTP through STRIPE_API_BASE, exactly as it talks to Stripe. Compared with `localstripe --port N`
it listens on loopback only and keeps its state in memory (no pickle file in the temp folder), so
parallel runs never share or leak data.

    python tools/run_localstripe.py --port 8420
"""

import argparse
import logging


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8420)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()

    from aiohttp import web
    from localstripe import resources, server

    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    logging.basicConfig(level=logging.WARNING)
    web.run_app(server.app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
