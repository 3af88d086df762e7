from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from onshi.card.jlis import CA_CERT_FILE, JlisCa, trust_anchor


def test_the_ca_is_created_once_and_reused(tmp_path: Path) -> None:
    first = JlisCa.open(tmp_path / "jlis")
    again = JlisCa.open(tmp_path / "jlis")
    assert first.certificate == again.certificate
    assert (tmp_path / "jlis" / CA_CERT_FILE).exists()
    assert trust_anchor(tmp_path / "jlis") == first.certificate
    assert ((tmp_path / "jlis" / "ca-key.pem").stat().st_mode & 0o077) == 0


def test_processes_starting_together_share_one_ca(tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    with ThreadPoolExecutor(4) as pool:
        opened = list(pool.map(lambda _: JlisCa.open(folder), range(4)))
    assert len({ca.certificate.serial_number for ca in opened}) == 1
