"""`python -m bench.run import|confirm|batch|all` and `… stats` (not part of all: it writes tens of
millions of rows) — see bench/README.md."""

from __future__ import annotations

import sys

from bench import batch_rate, confirm_rate, import_rate, stats_rate


def main() -> None:
    which = sys.argv[1] if len(sys.argv) > 1 else "all"
    sys.argv = [sys.argv[0], *sys.argv[2:]]
    if which in ("import", "all"):
        import_rate.main()
    if which in ("confirm", "all"):
        confirm_rate.main()
    if which in ("batch", "all"):
        batch_rate.main()
    if which == "stats":
        stats_rate.main()


if __name__ == "__main__":
    main()
