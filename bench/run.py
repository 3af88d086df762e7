"""`python -m bench.run import|confirm|file|card|batch|xml|portal|all [options]` and `… stats` —
see bench/README.md.

`all` runs every bench in turn with its defaults (options are passed to a single bench only);
`stats` is not part of `all`: it writes tens of millions of audit rows.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bench import (
    batch_rate,
    card_rate,
    confirm_rate,
    file_rate,
    import_rate,
    portal_rate,
    stats_rate,
    xml_rate,
)

BENCHES: dict[str, Callable[[], None]] = {
    "import": import_rate.main,
    "confirm": confirm_rate.main,
    "file": file_rate.main,
    "card": card_rate.main,
    "batch": batch_rate.main,
    "xml": xml_rate.main,
    "portal": portal_rate.main,
}
ON_REQUEST_ONLY: dict[str, Callable[[], None]] = {"stats": stats_rate.main}


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    known = {**BENCHES, **ON_REQUEST_ONLY}
    if which != "all" and which not in known:
        raise SystemExit(f"unknown bench {which!r}: one of {', '.join(known)}, all")
    options = sys.argv[2:] if which != "all" else []
    for name, bench in known.items():
        if which == name or (which == "all" and name in BENCHES):
            print(f"== bench.{name}", flush=True)
            sys.argv = [sys.argv[0], *options]
            bench()


if __name__ == "__main__":
    main()
