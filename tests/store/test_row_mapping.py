"""The bulk import's row mapping (feed columns → data columns) and the read mapping (columns →
domain) agree with the feed's own domain mapping, for a whole generated population."""

from __future__ import annotations

from typing import Any

from onshi.domain.qualification import Qualification
from onshi.feeds.insurer_csv import FeedReader, ValidatedBlock, accepted_rows, qualification_from_values
from onshi.seed.population import population_csv
from onshi.store.qualifications import DATA_COLUMNS, feed_data_columns, to_domain
from tests.factories import feed_lines, feed_row


def _both_ways(block: ValidatedBlock) -> list[tuple[Qualification, Qualification]]:
    names = block.columns.get("insurer_name") or [None] * len(block)
    stored_rows = zip(*feed_data_columns(block.columns, len(block)), strict=True)
    pairs = []
    for row, stored, name in zip(accepted_rows(block), stored_rows, names, strict=True):
        record: dict[str, Any] = dict(zip(DATA_COLUMNS, stored, strict=True))
        record["insurer_name"] = name or ""
        pairs.append((to_domain(record), qualification_from_values(row.values)))
    return pairs


def test_generated_population_round_trips() -> None:
    reader = FeedReader(population_csv(3000, seed=5))
    checked = 0
    while (block := reader.next_block(1000)) is not None:
        assert not block.rejected
        for through_store, direct in _both_ways(block):
            assert through_store == direct
            checked += 1
    assert checked > 3000


def test_every_optional_group_round_trips() -> None:
    edge = feed_row(
        disqualification_date="20240401", reason_of_loss="03", preschool_classification="1", sex2="2",
        elderly_recipient_valid_start_date="20240101", elderly_recipient_contribution_ratio="020",
        limit_application_certificate_classification="02", limit_application_certificate_classification_flag="B05",
        specific_diseases_disease_category="1|3", specific_diseases_self_pay="10000|",
        insured_card_classification="A1", insured_branch_number="",
    )  # fmt: skip
    block = FeedReader(feed_lines([edge, feed_row(insured_identification_number="2")])).next_block()
    assert block is not None
    assert not block.rejected
    for through_store, direct in _both_ways(block):
        assert through_store == direct
