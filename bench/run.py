"""`python -m bench.run import|confirm|file|card|batch|xml|portal|all [options]` — see bench/README.md.

`all` runs every bench in turn with its defaults (options are passed to a single bench only).
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import batch_rate, card_rate, confirm_rate, file_rate, import_rate, portal_rate, xml_rate

BENCHES: dict[str, Callable[[], None]] = {
    "import": import_rate.main,
    "confirm": confirm_rate.main,
    "file": file_rate.main,
    "card": card_rate.main,
    "batch": batch_rate.main,
    "xml": xml_rate.main,
    "portal": portal_rate.main,
}


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    if which != "all" and which not in BENCHES:
        raise SystemExit(f"unknown bench {which!r}: one of {', '.join(BENCHES)}, all")
    options = sys.argv[2:] if which != "all" else []
    for name, bench in BENCHES.items():
        if which in (name, "all"):
            print(f"== bench.{name}", flush=True)
            sys.argv = [sys.argv[0], *options]
            bench()


if __name__ == "__main__":
    main()
