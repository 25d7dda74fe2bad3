"""Run the bundled ConnectWise Manage sandbox on 127.0.0.1."""

import signal
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand

from connectwise.sandbox import Sandbox
from connectwise.sandbox.child_writes import MEMBER_WRITES
from connectwise.sandbox.faults import KINDS, check_kinds, check_rate


def fault_kinds(text: str) -> tuple:
    try:
        return check_kinds(text.split(","))
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from None


def fault_rate(text: str) -> float:
    try:
        return check_rate(text)
    except ValueError as error:
        raise ArgumentTypeError(str(error)) from None


class Command(BaseCommand):
    help = "Serve a deterministic ConnectWise Manage stand-in on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--companies", type=int, default=40)
        parser.add_argument("--contacts", type=int, default=300)
        parser.add_argument("--tickets", type=int, default=2000)
        parser.add_argument(
            "--configurations",
            type=int,
            default=None,
            help="Company configurations (default: twice the companies).",
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--latency-ms", type=int, default=0)
        parser.add_argument("--company-id", default="superitdemo")
        parser.add_argument(
            "--deny",
            action="append",
            default=[],
            metavar="PATH",
            help="Answer 403 under this API path, as a restricted security role "
            "would (e.g. service/tickets); may be repeated.",
        )
        parser.add_argument(
            "--member-writes",
            choices=MEMBER_WRITES,
            default="allowed",
            help="Notes and time entries in another member's name: allowed, "
            "or refused with a 403 (forbidden) or a 400 on member (invalid).",
        )
        self._add_fault_arguments(parser)
        parser.add_argument(
            "--print-only",
            action="store_true",
            help="Print the four settings lines for --port and exit (bin/demo).",
        )

    def _add_fault_arguments(self, parser) -> None:
        parser.add_argument(
            "--fault-rate",
            type=fault_rate,
            default=0.0,
            help="Share of API requests answered with a fault (0 to 1).",
        )
        parser.add_argument(
            "--faults",
            type=fault_kinds,
            default=KINDS,
            help="Comma-separated fault kinds: " + ",".join(KINDS) + ".",
        )
        parser.add_argument(
            "--retry-after",
            type=int,
            default=1,
            help="Retry-After seconds sent with a 429 (0 allowed).",
        )
        parser.add_argument("--slow-seconds", type=float, default=2.0)
        parser.add_argument(
            "--fault-seed",
            type=int,
            default=None,
            help="Seed the fault RNG, to replay the same faults.",
        )

    def handle(self, *args, **options):
        sandbox = Sandbox(
            companies=options["companies"],
            contacts=options["contacts"],
            tickets=options["tickets"],
            seed=options["seed"],
            latency_ms=options["latency_ms"],
            company_id=options["company_id"],
            port=options["port"],
            denied=options["deny"],
            configurations=options["configurations"],
            fault_rate=options["fault_rate"],
            faults=options["faults"],
            fault_seed=options["fault_seed"],
            retry_after=options["retry_after"],
            slow_seconds=options["slow_seconds"],
            member_writes=options["member_writes"],
        )
        if options["print_only"]:
            self._print_settings(sandbox)
            return
        self._print_settings(sandbox.start())
        # SIGTERM stops as cleanly as ^C does.
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            sandbox.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()

    def _print_settings(self, sandbox) -> None:
        for line in (
            f"Company ID: {sandbox.company_id}",
            f"API URL: {sandbox.url}",
            f"Public Key: {sandbox.public_key}",
            f"Private Key: {sandbox.private_key}",
        ):
            self.stdout.write(line)
        self.stdout.flush()
