"""`manage.py bench`: the directory and slot benchmark of issue 3, on a throwaway database."""

import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection

from bench.bookings import format_throughput, local_stripe, measure_throughput
from bench.dashboard import format_dashboard, measure_dashboard
from bench.directory import format_report, run
from bench.http import WrkMissing, format_http, measure_http, require_wrk
from bench.matching import measure_matching
from bench.messaging import format_messaging, measure_messaging


class Command(BaseCommand):
    help = (
        "Seed N supporters with 8 weeks of slots (30% taken) into a throwaway database, measure the "
        "directory, next available, profiles, slot regeneration and matching's suggestions, and print "
        "a markdown table. "
        "Never touches the configured database: it creates test_<name> (PostgreSQL) or a temporary "
        "SQLite file and drops it at the end."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--supporters", type=int, default=1000, help="How many supporters (default 1000)."
        )
        parser.add_argument("--repeat", type=int, default=30, help="Timed requests per page (default 30).")
        parser.add_argument(
            "--roll-repeat",
            type=int,
            default=1,
            help="Timed runs of the daily roll for everyone (default 1).",
        )
        parser.add_argument(
            "--explain", action="store_true", help="Also print the plan of each page's slowest query."
        )
        parser.add_argument(
            "--messages",
            type=int,
            default=50_000,
            help="Messages to seed for the messaging rows (default 50,000; 0 to skip).",
        )
        parser.add_argument(
            "--http",
            action="store_true",
            help="Only the HTTP table: gunicorn (2 sync workers) on the seeded database, driven by wrk "
            "(apt-get install wrk) at 8 connections: /pricing/, /supporters/, next available, a profile.",
        )
        parser.add_argument(
            "--http-seconds", type=int, default=10, help="Timed seconds of wrk per page (default 10)."
        )
        parser.add_argument(
            "--http-compare",
            action="store_true",
            help="With --http: run a second time with the directory cache off (DIRECTORY_CACHE_SECONDS=0).",
        )
        parser.add_argument(
            "--dashboard-bookings",
            type=int,
            default=100_000,
            help="Bookings to seed for the operations dashboard row (default 100,000; 0 to skip).",
        )
        parser.add_argument(
            "--only-dashboard",
            action="store_true",
            help="Only the operations dashboard: seed the supporters and --dashboard-bookings bookings, "
            "then time the page (no directory, matching, messaging or throughput rows).",
        )
        parser.add_argument(
            "--bookings",
            type=int,
            default=200,
            help="Bookings to request and accept for the throughput rows (default 200; 0 to skip).",
        )

    def handle(
        self,
        *args,
        supporters: int,
        repeat: int,
        roll_repeat: int,
        explain: bool,
        bookings: int,
        messages: int,
        **options,
    ):
        if supporters < 1 or repeat < 1 or roll_repeat < 1:
            self.stderr.write("--supporters, --repeat and --roll-repeat must be at least 1.")
            return
        if options["http"]:
            self._http(
                supporters=supporters, seconds=options["http_seconds"], compare=options["http_compare"]
            )
            return
        if options["only_dashboard"]:
            self._dashboard(
                supporters=supporters, bookings=options["dashboard_bookings"], repeat=repeat, explain=explain
            )
            return
        old_name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory(prefix="peersnet-bench-") as folder:
            if connection.vendor == "sqlite":
                # A file like the real one, not SQLite's in-memory test database.
                connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
            self.stdout.write(
                f"Creating a throwaway database (not {old_name}) and seeding {supporters} supporters…"
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
            throughput = []
            messaging = dashboard = None
            try:
                report = run(supporters=supporters, repeat=repeat, roll_repeat=roll_repeat, explain=explain)
                report.rows += measure_matching(repeat=repeat)
                if messages:
                    messaging = measure_messaging(messages=messages, repeat=repeat)
                if options["dashboard_bookings"]:
                    dashboard = measure_dashboard(
                        bookings=options["dashboard_bookings"], repeat=repeat, explain=explain
                    )
                if bookings:
                    with local_stripe():
                        half = max(1, bookings // 2)
                        throughput.append(measure_throughput(bookings=half, workers=1))
                        if connection.vendor == "postgresql":  # SQLite has one writer at a time
                            throughput.append(measure_throughput(bookings=half, workers=4))
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        self.stdout.write(format_report(report, repeat=repeat, roll_repeat=roll_repeat))
        if messaging:
            self.stdout.write(format_messaging(*messaging, repeat=repeat))
        if dashboard:
            rows, seeded, plan = dashboard
            self.stdout.write(format_dashboard(rows, seeded, repeat=repeat, plan=plan))
        if throughput:
            self.stdout.write(format_throughput(throughput))

    def _dashboard(self, *, supporters: int, bookings: int, repeat: int, explain: bool) -> None:
        """``--only-dashboard``: seed supporters and bookings, time the operations dashboard alone."""
        from bench.directory import machine
        from bench.seed import analyze, seed

        old_name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory(prefix="peersnet-bench-") as folder:
            if connection.vendor == "sqlite":
                connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
            self.stdout.write(
                f"Creating a throwaway database (not {old_name}) and seeding {supporters} supporters…"
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
            try:
                started = time.perf_counter()
                seed(supporters=supporters)
                analyze()
                self.stdout.write(f"Supporters and slots seeded in {time.perf_counter() - started:.1f} s")
                before = machine()
                rows, seeded, plan = measure_dashboard(bookings=bookings, repeat=repeat, explain=explain)
                after = machine()
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        self.stdout.write(
            f"Machine: {before['cpu']}, {before['cores']} cores; {before['database']}; "
            f"Python {before['python']}, Django {before['django']}"
        )
        self.stdout.write(f"Load average (1, 5, 15 min) before: {before['load']}; after: {after['load']}")
        self.stdout.write(f"Data: {supporters} supporters")
        self.stdout.write(format_dashboard(rows, seeded, repeat=repeat, plan=plan))

    def _http(self, *, supporters: int, seconds: int, compare: bool) -> None:
        """``--http``: seed the throwaway database, then the wrk table (bench/http.py)."""
        try:
            require_wrk()
        except WrkMissing as exc:
            self.stderr.write(str(exc))
            return
        from bench.seed import analyze, seed

        old_name = connection.settings_dict["NAME"]
        with tempfile.TemporaryDirectory(prefix="peersnet-bench-") as folder:
            if connection.vendor == "sqlite":
                connection.settings_dict.setdefault("TEST", {})["NAME"] = str(Path(folder) / "bench.sqlite3")
            self.stdout.write(
                f"Creating a throwaway database (not {old_name}) and seeding {supporters} supporters…"
            )
            connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False, serialize=False)
            tables = []
            try:
                seeded = seed(supporters=supporters)
                analyze()
                pages = [
                    ("static floor", "/pricing/"),
                    ("directory", "/supporters/"),
                    ("next available", "/supporters/next-available/"),
                    ("profile", f"/supporters/{seeded.supporter_ids[len(seeded.supporter_ids) // 2]}/"),
                ]
                connection.close()  # the server's workers use the database; the bench holds no connection
                runs = [(None, "directory cache on")] + ([(0, "directory cache off")] if compare else [])
                for cache_seconds, label in runs:
                    rows = measure_http(pages=pages, seconds=seconds, cache_seconds=cache_seconds)
                    tables.append(format_http(rows, seconds=seconds, label=label))
            finally:
                connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        self.stdout.write(f"Data: {supporters} supporters; {connection.vendor}")
        for table in tables:
            self.stdout.write(table)
