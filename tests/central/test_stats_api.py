"""The statistics API: operator keys load the feeds and read every report, a facility reads its
own figures only; bad parameters are 422, months never built 409 — never zeros."""

from __future__ import annotations

from onshi.domain.actors import ActorKind
from tests.central.conftest import LiveCentral

FACILITIES = (
    "facility_code,name,facility_type,obligated_from,card_reader_applied_on,connected_on,operating_on\n"
    "1310000017,さくら内科,medical_clinic,2023-04-01,2022-05-01,2022-08-01,2022-09-01\n"
    "1340000015,みどり薬局,pharmacy,,,2022-08-01,\n"
    "1340000015,みどり薬局,pharmacy,,,2022-08-01,2022-07-01\n"
)


def test_the_operator_loads_facility_data_and_reads_adoption(central: LiveCentral) -> None:
    key = central.key(ActorKind.OPERATOR, "ops")
    with central.client(key, **{"Content-Type": "text/csv", "X-Filename": "register.csv"}) as client:
        loaded = client.post("/api/v1/operator/stats/feeds/facilities", content=FACILITIES.encode())
        assert loaded.status_code == 200, loaded.text
        report = loaded.json()
        assert (report["ok"], report["rows_loaded"], report["rows_rejected"]) == (False, 2, 1)
        assert report["rejected"][0]["line"] == 4 and report["rejected"][0]["fields"] == ["operating_on"]
        assert client.post("/api/v1/operator/stats/feeds/tickets", content=b"x").status_code == 404
        adoption = client.get("/api/v1/operator/stats/adoption", params={"as_of": "2023-01-01"}).json()
        total = adoption["rows"][-1]
        assert (total["group"], total["facilities"], total["connected"], total["operating"]) == (
            "total",
            2,
            2,
            1,
        )
        assert total["operating_rate"] == "50.0" and adoption["params"]["as_of"] == "2023-01-01"
        csv = client.get("/api/v1/operator/stats/adoption", params={"by": "prefecture", "format": "csv"})
        assert csv.content.startswith("\ufeff都道府県,機関数".encode())
        assert "東京都,2,1,50.0,2,100.0,1,50.0" in csv.text


def test_bad_parameters_and_months_not_built(central: LiveCentral) -> None:
    with central.client(central.key(ActorKind.OPERATOR, "ops")) as client:
        for path, params in (
            ("adoption", {"by": "city"}), ("adoption", {"as_of": "2023-02-30"}), ("adoption", {"type": "clinic"}),
            ("adoption", {"obligated": "yes"}), ("usage", {"month": "2024-13"}), ("utilisation", {"prefecture": "48"}),
            ("adoption", {"format": "xlsx"}), ("facilities/123/utilisation", {}),
        ):  # fmt: skip
            answer = client.get(f"/api/v1/operator/stats/{path}", params=params)
            assert answer.status_code == 422, (path, params, answer.text)
            assert answer.json()["error"]["code"] == "bad_parameter"
        missing = client.get("/api/v1/operator/stats/usage", params={"month": "2024-01"})
        assert missing.status_code == 409 and "onshi stats rebuild" in missing.json()["error"]["message"]
        unknown = client.get("/api/v1/operator/stats/facilities/1310000017/utilisation")
        assert unknown.status_code == 422  # not registered


def test_a_facility_reads_its_own_figures_only(central: LiveCentral) -> None:
    clinic = central.facility_key("1310000017")
    other = central.facility_key("1310000025")
    with central.client(clinic) as client:
        own = client.get("/api/v1/facility/stats/utilisation")
        assert own.status_code == 200 and own.json()["facility"]["code"] == "1310000017"
        assert client.get("/api/v1/operator/stats/facilities/1310000025/utilisation").status_code == 403
        assert client.get("/api/v1/operator/stats/adoption").status_code == 403
    with central.client(other) as client:
        assert client.get("/api/v1/facility/stats/utilisation").json()["facility"]["code"] == "1310000025"
